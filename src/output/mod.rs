//! Output formats. Each renders a [`report::Report`]; none knows wire formats.

pub mod atomic;
pub mod csv;
pub mod explain;
pub mod html;
pub mod report;
pub mod svg;
pub mod table;

use std::io::{self, Write};

use report::Report;

#[derive(Copy, Clone, Debug, Eq, PartialEq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people, TP-Link devices first.
    Table,
    /// One JSON document (schema quietwire.inventory/1).
    Json,
    /// JSON Lines: {"type":"device","data":{…}} per device, then {"type":"capture",…}.
    Ndjson,
    /// One row per device.
    Csv,
    /// One self-contained HTML page: summary, charts, device table with evidence.
    Html,
}

pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Table => table::write(report, out),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            out.write_all(b"\n")
        }
        Format::Ndjson => {
            // Serialised straight from the report: a `json!` value would copy each device.
            #[derive(serde::Serialize)]
            struct Line<'a, T> {
                r#type: &'static str,
                data: &'a T,
            }
            for d in &report.devices {
                serde_json::to_writer(&mut *out, &Line { r#type: "device", data: d })?;
                out.write_all(b"\n")?;
            }
            serde_json::to_writer(&mut *out, &Line { r#type: "capture", data: &report.capture })?;
            out.write_all(b"\n")
        }
        Format::Csv => csv::write(report, out),
        Format::Html => html::write(report, out),
    }
}
