/** Terminal styling that honours NO_COLOR (https://no-color.org) and plain, non-TTY output. */
export interface Style {
  readonly color: boolean;
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

export function createStyle(options: { readonly isTTY: boolean; readonly noColorFlag?: boolean }): Style {
  const noColorEnv = process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '';
  const color = options.isTTY && !noColorEnv && !options.noColorFlag;
  const wrap =
    (open: number, close: number) =>
    (text: string): string =>
      color ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    color,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
  };
}
