// Windowing for the ticket list: which rows to render for a scroll position, with fixed-height
// rows, and when to fetch the next keyset page.

export interface WindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  rowCount: number;
  /** Extra rows rendered above and below the visible ones. */
  overscan: number;
}

export interface ListWindow {
  /** First row index to render (inclusive). */
  start: number;
  /** Row index after the last one to render (exclusive). */
  end: number;
  /** Pixel offset of row `start` from the top of the scroll content. */
  offset: number;
  /** Height of the whole scroll content. */
  totalHeight: number;
}

export function computeWindow(i: WindowInput): ListWindow {
  const rowHeight = Math.max(1, i.rowHeight);
  const rowCount = Math.max(0, Math.floor(i.rowCount));
  const totalHeight = rowCount * rowHeight;
  if (rowCount === 0) return { start: 0, end: 0, offset: 0, totalHeight: 0 };
  const maxScroll = Math.max(0, totalHeight - i.viewportHeight);
  const scrollTop = Math.min(Math.max(0, i.scrollTop), maxScroll);
  const firstVisible = Math.floor(scrollTop / rowHeight);
  const visibleCount = Math.ceil((scrollTop + Math.max(0, i.viewportHeight)) / rowHeight) - firstVisible;
  const start = Math.max(0, firstVisible - i.overscan);
  const end = Math.min(rowCount, firstVisible + visibleCount + i.overscan);
  return { start, end, offset: start * rowHeight, totalHeight };
}

/** True when the rendered window comes within `threshold` rows of the end of what is loaded. */
export function shouldLoadMore(windowEnd: number, loaded: number, hasMore: boolean, loading: boolean, threshold: number): boolean {
  return hasMore && !loading && windowEnd + threshold >= loaded;
}

/** The scrollTop that brings row `index` fully into view (or the current one if it is). */
export function scrollToReveal(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return bottom - viewportHeight;
  return scrollTop;
}

/** Indices between two rows (inclusive, either order): a shift-click range. */
export function rangeBetween(a: number, b: number): number[] {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const out: number[] = [];
  for (let k = lo; k <= hi; k++) out.push(k);
  return out;
}
