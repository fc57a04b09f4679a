//! A character grid for text diagrams. Lines are recorded as segments and rasterised at the
//! end into a mask of arms (north, east, south, west) per cell, so a junction, a corner and a
//! crossing each get the right glyph in either charset. A horizontal line that crosses a
//! vertical one without joining it is drawn as a "hop" (the vertical glyph), so a reader never
//! mistakes a crossing for a connection.

use unicode_width::UnicodeWidthChar;

const N: u8 = 1;
const E: u8 = 2;
const S: u8 = 4;
const W: u8 = 8;

#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    ch: Option<char>,
    /// The right half of a wide character.
    cont: bool,
    mask: u8,
    /// A vertical segment ends here (a junction, not a crossing).
    end: bool,
    hop: bool,
    arrow: bool,
}

/// The glyphs of one charset.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Charset {
    pub(crate) unicode: bool,
}

impl Charset {
    fn line(self, mask: u8) -> char {
        let vertical = mask & (N | S) != 0;
        let horizontal = mask & (E | W) != 0;
        if !self.unicode {
            return match (vertical, horizontal) {
                (true, true) => '+',
                (true, false) => '|',
                (false, true) => '-',
                (false, false) => ' ',
            };
        }
        match mask {
            0 => ' ',
            m if m & (E | W) == 0 => '│',
            m if m & (N | S) == 0 => '─',
            m if m == S | E => '┌',
            m if m == S | W => '┐',
            m if m == N | E => '└',
            m if m == N | W => '┘',
            m if m == N | S | E => '├',
            m if m == N | S | W => '┤',
            m if m == E | W | S => '┬',
            m if m == E | W | N => '┴',
            m if m == N | E | S | W => '┼',
            // One vertical arm and one horizontal arm are corners, covered above; a single arm
            // on each axis plus another never happens, but draw a cross rather than panic.
            _ => '┼',
        }
    }

    fn arrow(self) -> char {
        if self.unicode { '▼' } else { 'v' }
    }
}

/// A growable grid of cells.
#[derive(Debug, Default)]
pub(crate) struct Canvas {
    cells: Vec<Vec<Cell>>,
    vertical: Vec<(usize, usize, usize)>,
    horizontal: Vec<(usize, usize, usize)>,
    arrows: Vec<(usize, usize)>,
}

impl Canvas {
    fn cell(&mut self, x: usize, y: usize) -> &mut Cell {
        if self.cells.len() <= y {
            self.cells.resize_with(y + 1, Vec::new);
        }
        let row = &mut self.cells[y];
        if row.len() <= x {
            row.resize(x + 1, Cell::default());
        }
        &mut row[x]
    }

    /// Writes text at (x, y); returns its width in cells.
    pub(crate) fn text(&mut self, x: usize, y: usize, s: &str) -> usize {
        let mut col = x;
        for ch in s.chars() {
            let w = ch.width().unwrap_or(0);
            if w == 0 {
                continue;
            }
            self.cell(col, y).ch = Some(ch);
            if w == 2 {
                self.cell(col + 1, y).cont = true;
            }
            col += w;
        }
        col - x
    }

    /// A vertical line from (x, y0) to (x, y1), both ends included.
    pub(crate) fn vline(&mut self, x: usize, y0: usize, y1: usize) {
        let (a, b) = if y0 <= y1 { (y0, y1) } else { (y1, y0) };
        self.vertical.push((x, a, b));
    }

    /// A horizontal line from (x0, y) to (x1, y), both ends included.
    pub(crate) fn hline(&mut self, y: usize, x0: usize, x1: usize) {
        let (a, b) = if x0 <= x1 { (x0, x1) } else { (x1, x0) };
        self.horizontal.push((y, a, b));
    }

    /// An arrowhead pointing down at (x, y).
    pub(crate) fn arrow(&mut self, x: usize, y: usize) {
        self.arrows.push((x, y));
    }

    /// The picture, one string per line, trailing spaces trimmed.
    pub(crate) fn render(mut self, charset: Charset) -> Vec<String> {
        for (x, y0, y1) in std::mem::take(&mut self.vertical) {
            if y0 == y1 {
                let c = self.cell(x, y0);
                c.mask |= N | S;
                c.end = true;
                continue;
            }
            for y in y0..=y1 {
                let c = self.cell(x, y);
                c.mask |= match y {
                    _ if y == y0 => S,
                    _ if y == y1 => N,
                    _ => N | S,
                };
                if y == y0 || y == y1 {
                    c.end = true;
                }
            }
        }
        for (y, x0, x1) in std::mem::take(&mut self.horizontal) {
            for x in x0..=x1 {
                let c = self.cell(x, y);
                if c.mask & (N | S) != 0 && !c.end {
                    c.hop = true;
                }
                if x > x0 {
                    c.mask |= W;
                }
                if x < x1 {
                    c.mask |= E;
                }
            }
        }
        for (x, y) in std::mem::take(&mut self.arrows) {
            self.cell(x, y).arrow = true;
        }
        self.cells
            .iter()
            .map(|row| {
                let mut line = String::with_capacity(row.len());
                for c in row {
                    if c.cont {
                        continue;
                    }
                    line.push(match c.ch {
                        Some(ch) => ch,
                        None if c.arrow => charset.arrow(),
                        None if c.hop => charset.line(N | S),
                        None => charset.line(c.mask),
                    });
                }
                line.truncate(line.trim_end().len());
                line
            })
            .collect()
    }
}

/// The display width of `s` in terminal cells.
pub(crate) fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` cells, ending in `ellipsis` when cut.
pub(crate) fn truncate(s: &str, max: usize, ellipsis: &str) -> String {
    if width(s) <= max {
        return s.to_owned();
    }
    let room = max.saturating_sub(width(ellipsis));
    let mut out = String::new();
    let mut used = 0;
    for ch in s.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        out.push(ch);
        used += w;
    }
    out.push_str(ellipsis);
    out
}
