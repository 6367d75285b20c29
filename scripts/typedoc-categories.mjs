// A typedoc plugin that files every top-level export of odeflow under a category by the folder
// or file it is declared in (the table below, first match wins), unless its doc comment names
// one with @category. Keeps the API index grouped without a tag on each of ~400 exports.
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc';

/** [path fragment, category], checked in order against the declaring file's path. */
export const CATEGORIES = [
  ['/solvers/adjoint', 'Gradients'],
  ['/solvers/', 'Solvers'],
  ['/src/nn/divergence', 'Gradients'],
  ['/src/nn/', 'Fields'],
  ['/src/cnf/', 'CNF'],
  ['/src/flowmatch/', 'Flow matching'],
  ['/src/flows/', 'Flows'],
  ['/src/data/', 'Data'],
  ['/src/train/', 'Training'],
  ['/src/plot/', 'Plots'],
  ['/src/backend', 'Backends'],
  ['/src/wasm-matmul', 'Backends'],
  ['/src/model', 'Models'],
  ['/src/registry', 'Models'],
];

const TOP = ReflectionKind.SomeExport;
/** TypeScript's SymbolFlags.Alias. */
const ALIAS = 2097152;

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(
    Converter.EVENT_CREATE_DECLARATION,
    (context, reflection) => {
      if (!reflection.parent?.kindOf(ReflectionKind.Project | ReflectionKind.Module)) return;
      if (!reflection.kindOf(TOP)) return;
      if (reflection.comment?.getTag('@category')) return;
      let symbol = context.getSymbolFromReflection(reflection);
      // a re-export (`export { x } from`) is an alias: its declaration is the original
      if (symbol && symbol.flags & ALIAS) symbol = context.checker.getAliasedSymbol(symbol);
      const file = symbol?.declarations?.[0]?.getSourceFile().fileName ?? '';
      const hit = CATEGORIES.find(([part]) => file.includes(part));
      if (!hit) return;
      reflection.comment ??= new Comment();
      reflection.comment.blockTags.push(new CommentTag('@category', [{ kind: 'text', text: hit[1] }]));
    },
    -100,
  );
}
