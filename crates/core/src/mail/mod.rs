//! Understanding mail, whatever its source (mbox, Maildir, IMAP): who a message is from in
//! the record's terms, whether it is an auto-reply (and when the person is back), and what is
//! new in it. Pure: a parsed message in, facts out.

mod address;
pub(crate) mod autoreply;
mod message;
mod ses;
pub mod text;
mod thread;
mod understand;

pub use address::{address_names, is_free_mail, normalise_address};
pub use autoreply::{
    AddressChange, AutoReply, AutoReplyEvidence, DayOrder, Departure, address_change, auto_reply,
    auto_reply_to, day_order, departure_plan, is_list_traffic, return_date, return_date_in,
    working_day_on_or_after,
};
pub use message::{
    DeliveryAction, Message, RecipientStatus, bounced_addresses, contact_bounced,
    is_delivery_notice, parse_delivery_status,
};
pub use text::new_text;
pub use thread::thread_subject;
pub use understand::{
    Conversation, Directory, Disposition, LIST_TRAFFIC, MailActivity, TouchRef, UNKNOWN_SENDER,
    is_list_or_bulk, understand, understand_in,
};
