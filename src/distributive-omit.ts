/**
 * `Omit` applied to each member of a union on its own. A plain `Omit` of a union keeps only the keys
 * every member shares, so an event union would lose each event's own fields.
 */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
