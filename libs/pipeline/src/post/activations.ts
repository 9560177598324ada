/** Softmax over consecutive groups of `classes` values (the last axis), in place; numerically stable. */
export function softmaxInPlace(values: Float64Array, classes: number): void {
  for (let start = 0; start < values.length; start += classes) {
    let max = -Infinity;
    for (let i = start; i < start + classes; i++) max = Math.max(max, values[i] ?? -Infinity);
    let sum = 0;
    for (let i = start; i < start + classes; i++) {
      const e = Math.exp((values[i] ?? 0) - max);
      values[i] = e;
      sum += e;
    }
    for (let i = start; i < start + classes; i++) values[i] = (values[i] ?? 0) / sum;
  }
}

/** Logistic sigmoid of every value, in place. */
export function sigmoidInPlace(values: Float64Array): void {
  for (let i = 0; i < values.length; i++) values[i] = 1 / (1 + Math.exp(-(values[i] ?? 0)));
}
