/** The little of plotly's API the playground uses (the package ships no types). */
declare module 'plotly.js-dist-min' {
  namespace Plotly {
    type Data = Record<string, unknown>;
  }
  const Plotly: {
    newPlot(el: HTMLElement, data: Plotly.Data[], layout?: object, config?: object): Promise<unknown>;
    react(el: HTMLElement, data: Plotly.Data[], layout?: object, config?: object): Promise<unknown>;
  };
  export default Plotly;
}
