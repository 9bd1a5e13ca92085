// The reachability document as JSON text in pieces: the same bytes as JSON.stringify(value,
// null, 2), but never one string of the whole, which a million matrix cells would overflow.

/** Pieces are joined up to this many characters before they are handed on. */
const PIECE = 1 << 16;

/**
 * Calls `write` with consecutive pieces of JSON.stringify(value, null, 2) (no final newline).
 * Arrays and objects down to `depth` levels are written part by part; below that, each value
 * is one JSON.stringify call, indented to its place.
 */
export function writeJsonPieces(value: unknown, write: (piece: string) => void, depth = 3): void {
  let buffer = '';
  const emit = (text: string) => {
    buffer += text;
    if (buffer.length >= PIECE) {
      write(buffer);
      buffer = '';
    }
  };
  walk(value, '', depth, emit);
  if (buffer) write(buffer);
}

function walk(value: unknown, indent: string, depth: number, emit: (text: string) => void): void {
  const inner = `${indent}  `;
  if (depth > 0 && Array.isArray(value)) {
    if (value.length === 0) {
      emit('[]');
      return;
    }
    emit('[');
    value.forEach((item, index) => {
      emit(`${index === 0 ? '' : ','}\n${inner}`);
      // JSON.stringify writes null for what it cannot represent inside an array.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') emit('null');
      else walk(item, inner, depth - 1, emit);
    });
    emit(`\n${indent}]`);
    return;
  }
  if (depth > 0 && isPlainObject(value)) {
    const entries = Object.entries(value).filter(
      ([, item]) => item !== undefined && typeof item !== 'function' && typeof item !== 'symbol',
    );
    if (entries.length === 0) {
      emit('{}');
      return;
    }
    emit('{');
    entries.forEach(([key, item], index) => {
      emit(`${index === 0 ? '' : ','}\n${inner}${JSON.stringify(key)}: `);
      walk(item, inner, depth - 1, emit);
    });
    emit(`\n${indent}}`);
    return;
  }
  // A JSON string never holds a raw line break, so indenting every line is safe.
  const text = JSON.stringify(value, null, 2) ?? 'null';
  emit(indent ? text.replaceAll('\n', `\n${indent}`) : text);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
