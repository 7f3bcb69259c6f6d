// The jStat functions memae uses (jstat ships no typings; its CommonJS export is { jStat }).
declare module 'jstat' {
  interface JStat {
    erf(x: number): number;
    /** regularised incomplete beta I_x(a, b) */
    ibeta(x: number, a: number, b: number): number;
    normal: { cdf(x: number, mean: number, std: number): number };
  }
  const jstat: { jStat: JStat };
  export default jstat;
}
