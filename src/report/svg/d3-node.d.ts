/** Minimal typings for d3-node (the package ships none). */
declare module 'd3-node' {
  import type * as d3 from 'd3';
  export class D3Node {
    constructor(options?: { selector?: string; container?: string; styles?: string });
    d3: typeof d3;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    document: any;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    window: any;
    createSVG(width?: number, height?: number, attrs?: Record<string, string | number>): d3.Selection<any, unknown, null, undefined>;
    svgString(): string;
  }
}
