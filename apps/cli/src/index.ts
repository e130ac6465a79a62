// What the all-in-one demo reuses from the CLI: the same tables `cvf compute` prints.
export { renderTables } from './table-format';
