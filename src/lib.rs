//! quietwire: a passive network sensor. It reads frames from captures, decodes the
//! discovery protocols hosts speak, and builds a device inventory keyed by MAC that
//! flags TP-Link family devices with the evidence behind each flag.
//!
//! Data flows one way:
//! `capture → decode → wire parsers → observe → inventory → classify → output`.
//! Nothing here transmits, connects or resolves names.

#![deny(unsafe_code)]

pub mod analyze;
pub mod capture;
pub mod classify;
pub mod decode;
pub mod dispatch;
pub mod inventory;
pub mod live;
pub mod mac;
pub mod observe;
pub mod output;
pub mod reassembly;
pub mod timestamp;
pub mod wire;
