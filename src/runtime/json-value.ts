/** A JSON value: what stores persist and what adapters exchange. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
