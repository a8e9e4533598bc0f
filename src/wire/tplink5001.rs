//! The `model|MAC|IP|…|firmware` broadcast of TP-Link routers on UDP 5001.
//!
//! Not yet implemented: the protocol work fills this in.
