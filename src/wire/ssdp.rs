//! SSDP (UPnP 1.1 discovery) over UDP 1900: NOTIFY, M-SEARCH and responses.
//!
//! Not yet implemented: the protocol work fills this in.
