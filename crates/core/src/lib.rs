//! Shouwang core: the domain of rural left-behind elder care and its local store.
//!
//! It owns the registry's model ([`elder`]), the rules a record must satisfy ([`validate`], with the
//! parsers [`resident_id`], [`phone`] and [`division`]), the regional policy profiles ([`policy`]), the
//! split of a record into automerge documents by who may read them ([`doc`], [`crdt`]) and the local
//! SQLite store that keeps those documents, a queryable projection and the outbox for sync ([`store`]).
//!
//! The core knows nothing of Tauri, HTTP or the clock: callers pass the time in.

pub mod agreement;
pub mod audit;
pub mod card;
pub mod case;
pub mod consent;
pub mod crdt;
pub mod demo;
pub mod division;
pub mod doc;
pub mod elder;
pub mod family;
pub mod helper;
pub mod ids;
pub mod keys;
pub mod ledger;
pub mod money;
pub mod org;
pub mod phone;
pub mod policy;
pub mod print;
pub mod progress;
pub mod reach;
pub mod report;
pub mod resident_id;
pub mod risk;
pub mod role;
pub mod schedule;
pub mod sex;
pub mod store;
pub mod time;
pub mod validate;
pub mod vault;
pub mod view;
pub mod visit;
pub mod write_rules;
