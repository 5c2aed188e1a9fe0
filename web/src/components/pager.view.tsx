/** Previous / next buttons for a list fetched a page at a time with `$top` + 1 and `$skip`. */
export function Pager({
  label,
  skip,
  shown,
  pageSize,
  hasMore,
  onSkip,
}: {
  label: string;
  skip: number;
  shown: number;
  pageSize: number;
  hasMore: boolean;
  onSkip: (skip: number) => void;
}) {
  return (
    <nav class="pager" aria-label={label}>
      <button
        type="button"
        class="button button-small"
        disabled={skip === 0}
        onClick={() => onSkip(Math.max(0, skip - pageSize))}
      >
        Previous
      </button>
      <span class="muted">{shown === 0 ? 'none' : `${skip + 1}–${skip + shown}`}</span>
      <button
        type="button"
        class="button button-small"
        disabled={!hasMore}
        onClick={() => onSkip(skip + pageSize)}
      >
        Next
      </button>
    </nav>
  );
}
