//! The device table: one record per MAC, merged from observations, with named limits.

mod device;
mod table;

pub use device::{DhcpInfo, Device, Dated};
pub use table::{Inventory, Limits};
