//! Reading the export files of the CRMs sales teams keep their pipeline in (HubSpot,
//! Salesforce, Pipedrive): the file's dialect (`dialect`: encoding, delimiter, quoting, footer
//! lines), which CRM and which object a header set belongs to (`detect`), and the cell values
//! in the shapes these exports write them (`values`: dates, amounts, booleans, ids).
//!
//! The facts behind every rule (header sets, dialects, id shapes) are in the project's CRM
//! formats note, each with its source; the rules here cite the product or tool they come from.
//! **Invariant: nothing here knows the record: rows come out as typed cells with their file
//! and line, and a malformed row is an error naming the file, the line, the column and why,
//! never a panic; memory is bounded by one row whatever the file's size.**

pub mod archive;
pub mod detect;
pub mod dialect;
pub mod map;
pub mod values;

pub use detect::{Crm, Object, detect};
pub use dialect::{Dialect, Row, Sheet};
