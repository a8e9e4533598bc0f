//! Charts as inline SVG, drawn by quietwire from plain counts: horizontal (stacked) bars
//! and a stacked histogram. No script, no external reference; every label is escaped
//! with [`super::html::escape`]. Colours come from CSS classes (`s0`, `s1` …) that the
//! page styles, so print styles can change them.

use std::fmt::Write as _;

use super::html::escape;

/// Width of every chart in SVG user units (the page scales it).
const WIDTH: u32 = 480;
/// Room for bar labels on the left of a bar chart.
const LABEL_WIDTH: u32 = 170;
/// Height of one bar row.
const ROW: u32 = 20;
/// Longest label drawn, in characters (the full label is in the bar's tooltip).
const MAX_LABEL: usize = 24;

/// One bar: a label and the sizes of its stacked parts, in legend order.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Bar {
    pub label: String,
    pub parts: Vec<u64>,
}

impl Bar {
    pub fn total(&self) -> u64 {
        self.parts.iter().sum()
    }
}

/// Cuts `s` to `max` characters with an ellipsis.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn open(out: &mut String, title: &str, height: u32) {
    let _ = write!(
        out,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{t}"><title>{t}</title>"#,
        t = escape(title)
    );
}

fn legend(out: &mut String, series: &[&str], y: u32) {
    let mut x = LABEL_WIDTH;
    for (i, name) in series.iter().enumerate() {
        let _ = write!(out, r#"<rect class="s{i}" x="{x}" y="{}" width="10" height="10"/>"#, y.saturating_sub(9));
        let _ = write!(out, r#"<text class="legend" x="{}" y="{y}">{}</text>"#, x + 14, escape(name));
        x += 24 + 7 * name.chars().count() as u32;
    }
}

/// A horizontal bar chart, bars stacked by `series` (one name per part, also the
/// legend); `empty` is shown when there are no bars.
pub fn bars(title: &str, series: &[&str], bars: &[Bar], empty: &str) -> String {
    let mut out = String::new();
    if bars.is_empty() {
        open(&mut out, title, 40);
        let _ = write!(out, r#"<text class="empty" x="{}" y="24" text-anchor="middle">{}</text></svg>"#, WIDTH / 2, escape(empty));
        return out;
    }
    let top = if series.len() > 1 { 22 } else { 4 };
    let height = top + ROW * bars.len() as u32 + 4;
    open(&mut out, title, height);
    if series.len() > 1 {
        legend(&mut out, series, 14);
    }
    let max = bars.iter().map(Bar::total).max().unwrap_or(0).max(1);
    // Leave room on the right for the total.
    let span = f64::from(WIDTH - LABEL_WIDTH - 44);
    for (i, b) in bars.iter().enumerate() {
        let y = top + ROW * i as u32;
        let total = b.total();
        let _ = write!(out, r#"<g class="bar"><title>{}: {total}</title>"#, escape(&b.label));
        let _ = write!(
            out,
            r#"<text class="label" x="{}" y="{}" text-anchor="end">{}</text>"#,
            LABEL_WIDTH - 6,
            y + 14,
            escape(&cut(&b.label, MAX_LABEL))
        );
        let mut x = f64::from(LABEL_WIDTH);
        for (s, &part) in b.parts.iter().enumerate() {
            if part == 0 {
                continue;
            }
            let w = (part as f64 / max as f64 * span).max(1.0);
            let _ = write!(out, r#"<rect class="s{s}" x="{x:.1}" y="{}" width="{w:.1}" height="{}"/>"#, y + 3, ROW - 6);
            x += w;
        }
        let _ = write!(out, r#"<text class="value" x="{:.1}" y="{}">{total}</text></g>"#, x + 4.0, y + 14);
    }
    out.push_str("</svg>");
    out
}

/// A stacked histogram over time: `bins[i][s]` devices of series `s` in bin `i`, with
/// the time of the first bin's start and the last bin's end under the axis.
pub fn histogram(title: &str, series: &[&str], bins: &[Vec<u64>], start: &str, end: &str, empty: &str) -> String {
    let mut out = String::new();
    if bins.is_empty() {
        open(&mut out, title, 40);
        let _ = write!(out, r#"<text class="empty" x="{}" y="24" text-anchor="middle">{}</text></svg>"#, WIDTH / 2, escape(empty));
        return out;
    }
    const PLOT_TOP: u32 = 26;
    const PLOT_HEIGHT: u32 = 120;
    const LEFT: u32 = 36;
    let height = PLOT_TOP + PLOT_HEIGHT + 22;
    open(&mut out, title, height);
    legend(&mut out, series, 14);
    let max = bins.iter().map(|b| b.iter().sum::<u64>()).max().unwrap_or(0).max(1);
    let base = PLOT_TOP + PLOT_HEIGHT;
    let _ = write!(out, r#"<line class="axis" x1="{LEFT}" y1="{base}" x2="{}" y2="{base}"/>"#, WIDTH - 4);
    let _ = write!(out, r#"<text class="value" x="{}" y="{}" text-anchor="end">{max}</text>"#, LEFT - 4, PLOT_TOP + 8);
    let _ = write!(out, r#"<text class="value" x="{}" y="{base}" text-anchor="end">0</text>"#, LEFT - 4);
    let slot = f64::from(WIDTH - 4 - LEFT) / bins.len() as f64;
    for (i, b) in bins.iter().enumerate() {
        let x = f64::from(LEFT) + slot * i as f64;
        let total: u64 = b.iter().sum();
        if total == 0 {
            continue;
        }
        let _ = write!(out, r#"<g class="bar"><title>{total}</title>"#);
        let mut y = f64::from(base);
        for (s, &part) in b.iter().enumerate() {
            if part == 0 {
                continue;
            }
            let h = (part as f64 / max as f64 * f64::from(PLOT_HEIGHT)).max(1.0);
            y -= h;
            let _ = write!(out, r#"<rect class="s{s}" x="{:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}"/>"#, x + 0.5, (slot - 1.0).max(1.0));
        }
        out.push_str("</g>");
    }
    let _ = write!(out, r#"<text class="value" x="{LEFT}" y="{}">{}</text>"#, base + 16, escape(start));
    let _ = write!(out, r#"<text class="value" x="{}" y="{}" text-anchor="end">{}</text>"#, WIDTH - 4, base + 16, escape(end));
    out.push_str("</svg>");
    out
}

/// Puts each value into one of `n` equal bins between the smallest and largest value
/// (all in one bin when they are equal); returns the bins and the range.
pub fn bin<T: Copy>(values: &[(i64, T)], n: usize, part: impl Fn(T) -> usize, parts: usize) -> (Vec<Vec<u64>>, Option<(i64, i64)>) {
    let (Some(lo), Some(hi)) = (values.iter().map(|v| v.0).min(), values.iter().map(|v| v.0).max()) else {
        return (Vec::new(), None);
    };
    let n = if lo == hi { 1 } else { n.max(1) };
    let mut bins = vec![vec![0u64; parts]; n];
    let width = (i128::from(hi) - i128::from(lo)) + 1;
    for &(v, t) in values {
        let i = ((i128::from(v) - i128::from(lo)) * n as i128 / width) as usize;
        let s = part(t).min(parts.saturating_sub(1));
        if let Some(b) = bins.get_mut(i.min(n - 1)) {
            b[s] += 1;
        }
    }
    (bins, Some((lo, hi)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_escape_labels() {
        let b = vec![
            Bar { label: "<b>Vendor & Co</b>".into(), parts: vec![3, 1] },
            Bar { label: "Other".into(), parts: vec![0, 2] },
        ];
        let svg = bars("Devices by vendor", &["TP-Link family", "other"], &b, "none");
        assert!(svg.starts_with("<svg class=\"chart\""), "{svg}");
        assert!(svg.contains("&lt;b&gt;Vendor &amp; Co&lt;/b&gt;: 4"), "tooltip escaped: {svg}");
        assert!(!svg.contains("<b>"));
        // The longest bar spans the whole plot: 480 − 170 − 44 = 266 units, split 3:1.
        assert!(svg.contains(r#"<rect class="s0" x="170.0" y="25" width="199.5" height="14"/>"#), "{svg}");
        assert!(svg.contains(r#"<rect class="s1" x="369.5" y="25" width="66.5" height="14"/>"#), "{svg}");
        // Second bar: only its second part, half the longest.
        assert!(svg.contains(r#"<rect class="s1" x="170.0" y="45" width="133.0" height="14"/>"#), "{svg}");
        assert_eq!(svg.matches("<g class=\"bar\">").count(), 2);
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn empty_charts_say_so() {
        let svg = bars("TP-Link family by brand", &["high"], &[], "no TP-Link family device");
        assert!(svg.contains(">no TP-Link family device</text>"), "{svg}");
        assert!(histogram("t", &["a"], &[], "", "", "nothing").contains(">nothing<"));
    }

    #[test]
    fn long_labels_are_cut_on_characters() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("ééééé", 5), "ééééé");
        assert_eq!(cut("éééééé", 5), "éééé…");
    }

    #[test]
    fn binning_spreads_values_and_keeps_the_last_in_range() {
        let v = [(0i64, 0usize), (5, 1), (9, 0), (10, 1)];
        let (bins, range) = bin(&v, 2, |t| t, 2);
        assert_eq!(range, Some((0, 10)));
        assert_eq!(bins, vec![vec![1, 1], vec![1, 1]]);
        let (bins, range) = bin(&[(7i64, 0usize), (7, 0)], 30, |t| t, 2);
        assert_eq!((bins, range), (vec![vec![2, 0]], Some((7, 7))));
        assert_eq!(bin::<usize>(&[], 30, |t| t, 2), (Vec::new(), None));
        // Extreme values do not overflow.
        let (bins, _) = bin(&[(i64::MIN, 0usize), (i64::MAX, 0)], 4, |t| t, 1);
        assert_eq!(bins, vec![vec![1], vec![0], vec![0], vec![1]]);
    }

    #[test]
    fn histogram_stacks_parts_from_the_axis_up() {
        let svg = histogram("First seen", &["TP-Link family", "other"], &[vec![1, 1], vec![0, 0], vec![0, 2]], "a<", "b", "");
        // max 2 → 120 units; the first bin's parts are 60 each, stacked from y=146.
        assert!(svg.contains(r#"<rect class="s0" x="36.5" y="86.0" width="145.7" height="60.0"/>"#), "{svg}");
        assert!(svg.contains(r#"<rect class="s1" x="36.5" y="26.0" width="145.7" height="60.0"/>"#), "{svg}");
        assert_eq!(svg.matches("<g class=\"bar\">").count(), 2, "empty bins draw nothing");
        assert!(svg.contains(">a&lt;</text>"));
    }
}
