//! Byte spans into a model's YAML source, and the line/column they map to.
//!
//! Every element and field of a loaded model keeps one of these, so that every error and every
//! finding can point at the exact place in the file.

use serde_saphyr::{Location, Spanned};

/// A byte range in the source text of one model file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub offset: usize,
    /// Length in bytes (may be zero for a point).
    pub len: usize,
}

impl Span {
    /// A span from an offset and a length.
    #[must_use]
    pub fn new(offset: usize, len: usize) -> Self {
        Self { offset, len }
    }

    /// The span of a value read by serde-saphyr, clamped to `src`.
    #[must_use]
    pub fn of<T>(spanned: &Spanned<T>, src: &str) -> Self {
        Self::from_location(&spanned.referenced, src)
    }

    /// The span of a serde-saphyr location, clamped to `src`.
    #[must_use]
    pub fn from_location(loc: &Location, src: &str) -> Self {
        let sp = loc.span();
        let offset = match sp.byte_offset() {
            Some(b) => usize::try_from(b).unwrap_or(usize::MAX),
            None => offset_of_line_col(src, loc.line(), loc.column()),
        };
        let offset = offset.min(src.len());
        let len = sp
            .byte_len()
            .and_then(|l| usize::try_from(l).ok())
            .unwrap_or(0)
            .min(src.len() - offset);
        Self { offset, len }
    }

    /// This span, or the rest of its line when it is empty, so a label has something to underline.
    #[must_use]
    pub fn or_rest_of_line(self, src: &str) -> Self {
        if self.len > 0 {
            return self;
        }
        let rest = src.get(self.offset..).unwrap_or("");
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let text = &rest[..end];
        let trimmed = text.trim_end();
        Self::new(self.offset, trimmed.len())
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        miette::SourceSpan::new(s.offset.into(), s.len)
    }
}

/// Where each line of a text starts, so that many offsets turn into lines and columns
/// without rescanning the text from its start each time. Columns count characters; a count
/// is kept every [`CHARS_EVERY`] bytes, so a column on a very long line (a Terraform plan is
/// one line of megabytes) costs at most that many bytes of counting, not the line.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// The number of characters before byte `k * CHARS_EVERY`, for each `k`.
    chars_before: Vec<usize>,
}

/// How often [`LineIndex`] records a character count, in bytes.
const CHARS_EVERY: usize = 4096;

/// Characters starting in `bytes` (every byte but UTF-8 continuation bytes).
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

impl LineIndex {
    /// The index of `src`.
    #[must_use]
    pub fn new(src: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut chars_before = Vec::with_capacity(src.len() / CHARS_EVERY + 1);
        let mut seen = 0;
        for chunk in src.as_bytes().chunks(CHARS_EVERY) {
            chars_before.push(seen);
            seen += chars_in(chunk);
        }
        Self {
            starts,
            chars_before,
        }
    }

    /// The number of characters before byte `offset` of `src`.
    fn chars_before(&self, src: &str, offset: usize) -> usize {
        let k = offset / CHARS_EVERY;
        let counted = self.chars_before.get(k).copied().unwrap_or(0);
        counted + chars_in(&src.as_bytes()[(k * CHARS_EVERY).min(offset)..offset])
    }

    /// 1-based line and column (in characters) of a byte offset in `src`, the text this
    /// index was made from; the same answer as [`line_col`].
    #[must_use]
    pub fn line_col(&self, src: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(src, offset.min(src.len()));
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1].min(offset);
        let column = if offset - start <= CHARS_EVERY {
            src[start..offset].chars().count()
        } else {
            self.chars_before(src, offset) - self.chars_before(src, start)
        };
        (line, column + 1)
    }
}

/// 1-based line and column (in characters) of a byte offset in `src`.
#[must_use]
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(src, offset.min(src.len()));
    let before = &src[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

pub(crate) fn floor_char_boundary(src: &str, mut i: usize) -> usize {
    while i > 0 && !src.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte offset of a 1-based line and character column; the end of the text when out of range.
#[must_use]
pub fn offset_of_line_col(src: &str, line: u64, column: u64) -> usize {
    let mut offset = 0usize;
    let mut current = 1u64;
    if line > 1 {
        for (i, b) in src.bytes().enumerate() {
            if b == b'\n' {
                current += 1;
                if current == line {
                    offset = i + 1;
                    break;
                }
            }
        }
        if current < line {
            return src.len();
        }
    }
    let rest = &src[offset..];
    let col = usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX);
    match rest.char_indices().nth(col) {
        Some((i, _)) => offset + i,
        None => src.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let src = "a: ü\nbb: x\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 6), (2, 1));
        assert_eq!(line_col(src, 10), (2, 5));
        assert_eq!(line_col(src, 4), (1, 4));
        assert_eq!(offset_of_line_col(src, 2, 5), 10);
        let index = LineIndex::new(src);
        for o in 0..=src.len() {
            assert_eq!(index.line_col(src, o), line_col(src, o), "offset {o}");
        }
        assert_eq!(offset_of_line_col(src, 9, 1), src.len());
    }

    #[test]
    fn line_index_counts_characters_on_a_line_longer_than_its_step() {
        // One long line of mixed widths (a plan is one line), then a short one.
        let long: String = (0..3 * CHARS_EVERY)
            .map(|i| ['a', 'é', '€', '😀'][i % 4])
            .collect();
        let src = format!("{long}\nx: ü\n");
        let index = LineIndex::new(&src);
        for o in (0..=src.len())
            .step_by(997)
            .chain([src.len() - 1, src.len()])
        {
            assert_eq!(index.line_col(&src, o), line_col(&src, o), "offset {o}");
        }
    }
}
