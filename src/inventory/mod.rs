//! The device table: one record per MAC, merged from observations, with named limits.

mod device;
mod table;

pub use device::{Attr, Dated, Device};
pub use table::{Change, Inventory, Limits};
