/**
 * Sets `key` on a plain object as an own, enumerable, writable, configurable data property, whatever
 * its name, as `Object.defineProperty` would: plain assignment when nothing inherited could intercept
 * it (several times faster), `defineProperty` otherwise (`__proto__`, or `toString` on a frozen
 * Object.prototype, where assignment would set the prototype or throw).
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key in target) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
