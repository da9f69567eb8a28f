//! From a CRM export's rows to typed records: which column holds which field (each CRM's
//! standard header names, the mapping file's own), and each cell parsed into the record's type
//! or refused naming its column.
//!
//! The mapping file (TOML; `Mapping::defaults` writes one for a CRM, so a user edits rather
//! than writes it) says what the export cannot: the Rekindle stage of each CRM stage, the rep
//! behind each CRM owner, the taxonomy reason of each lost-reason value, the headers of a
//! localized export, the custom columns holding the prospect's words or needed features, the
//! currency of bare amounts, the time zone of times without an offset, and the day/month
//! order of slashed dates.

use super::detect::{Crm, Object};
use super::dialect::Row;
use super::values::{self, DateOrder, When};
use jiff::Timestamp;
use jiff::tz::TimeZone;
pub use rekindle_core::crm::{CrmActivity, CrmCompany, CrmContact, CrmDeal, CrmRecord};
use rekindle_core::{
    ActivityKind, Currency, DealStatus, Direction, FactKind, LostReason, Outcome, Role,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A field of a record that a column can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Id,
    Title,
    Stage,
    Status,
    IsClosed,
    IsWon,
    Amount,
    Currency,
    CloseDate,
    /// The day a closed deal was closed, where the export has it apart from the expected
    /// close date (Pipedrive's "Deal closed on", "Lost time", "Won time").
    ClosedOn,
    /// The CRM's pipeline the deal is in (HubSpot "Pipeline", Pipedrive "Deal - Pipeline"):
    /// kept, so a deal update goes back to the same pipeline.
    Pipeline,
    Owner,
    Created,
    StageEntered,
    LostReason,
    NextStep,
    LastActivity,
    LastContacted,
    NextActivity,
    CompanyId,
    CompanyName,
    ContactIds,
    ContactName,
    DealId,
    DealName,
    ContactId,
    FirstName,
    LastName,
    Name,
    Email,
    OtherEmails,
    JobTitle,
    BuyingRole,
    OptedOut,
    Domain,
    Kind,
    Subject,
    Body,
    At,
    Done,
    CallDirection,
    Disposition,
    /// The record was deleted in the CRM (Salesforce `IsDeleted`, in an "Export All").
    Deleted,
    /// A lead the CRM converted (Salesforce `IsConverted`): its contact, account and
    /// opportunity are in their own exports.
    Converted,
}

impl Field {
    /// The field's key in a mapping file's `[columns.OBJECT]` table.
    pub fn key(self) -> &'static str {
        use Field::*;
        match self {
            Id => "id",
            Title => "title",
            Stage => "stage",
            Status => "status",
            IsClosed => "is_closed",
            IsWon => "is_won",
            Amount => "amount",
            Currency => "currency",
            CloseDate => "close_date",
            ClosedOn => "closed_on",
            Pipeline => "pipeline",
            Owner => "owner",
            Created => "created",
            StageEntered => "stage_entered",
            LostReason => "lost_reason",
            NextStep => "next_step",
            LastActivity => "last_activity",
            LastContacted => "last_contacted",
            NextActivity => "next_activity",
            CompanyId => "company_id",
            CompanyName => "company_name",
            ContactIds => "contact_ids",
            ContactName => "contact_name",
            DealId => "deal_id",
            DealName => "deal_name",
            ContactId => "contact_id",
            FirstName => "first_name",
            LastName => "last_name",
            Name => "name",
            Email => "email",
            OtherEmails => "other_emails",
            JobTitle => "job_title",
            BuyingRole => "buying_role",
            OptedOut => "opted_out",
            Domain => "domain",
            Kind => "kind",
            Subject => "subject",
            Body => "body",
            At => "at",
            Done => "done",
            CallDirection => "direction",
            Disposition => "outcome",
            Deleted => "deleted",
            Converted => "converted",
        }
    }
}

/// Each CRM's standard headers for a field of an object, first match wins (any case). Sources:
/// the CRM formats note (HubSpot 1.1, Salesforce 2.1 API names and report labels, Pipedrive
/// 3.1).
pub fn standard_headers(crm: Crm, object: Object, field: Field) -> &'static [&'static str] {
    use Field::*;
    use Object::*;
    match (crm, object, field) {
        (Crm::HubSpot, _, Id) => &["Record ID"],
        (Crm::HubSpot, Deals, Title) => &["Deal Name"],
        (Crm::HubSpot, Deals, Stage) => &["Deal Stage"],
        (Crm::HubSpot, Deals, IsWon) => &["Is Closed Won"],
        (Crm::HubSpot, Deals, IsClosed) => &["Is closed"],
        (Crm::HubSpot, Deals, Amount) => &["Amount"],
        (Crm::HubSpot, Deals, Currency) => &["Currency", "Deal currency code"],
        (Crm::HubSpot, Deals, CloseDate) => &["Close Date"],
        (Crm::HubSpot, Deals, Owner) => &["Deal owner"],
        (Crm::HubSpot, _, Created) => &["Create Date"],
        (Crm::HubSpot, Deals, StageEntered) => &["Date entered current stage"],
        (Crm::HubSpot, Deals, LostReason) => &["Closed Lost Reason", "Primary Closed Lost Reason"],
        (Crm::HubSpot, Deals, NextStep) => &["Next step"],
        (Crm::HubSpot, _, LastActivity) => &["Last Activity Date"],
        (Crm::HubSpot, Deals, LastContacted) => &["Last Contacted"],
        (Crm::HubSpot, Deals, NextActivity) => &["Next Activity Date"],
        (Crm::HubSpot, Deals, CompanyId) => &["Associated Company IDs", "Associated Company ID"],
        (Crm::HubSpot, Deals, ContactIds) => &["Associated Contact IDs", "Associated Contact ID"],
        (Crm::HubSpot, Contacts, CompanyId) => &[
            "Primary Associated Company ID",
            "Associated Company IDs",
            "Record ID - Company",
        ],
        (Crm::HubSpot, Contacts, CompanyName) => {
            &["Associated Company", "Company name", "Company Name"]
        }
        (Crm::HubSpot, Contacts, FirstName) => &["First Name"],
        (Crm::HubSpot, Contacts, LastName) => &["Last Name"],
        (Crm::HubSpot, Contacts, Email) => &["Email"],
        (Crm::HubSpot, Contacts, JobTitle) => &["Job Title"],
        (Crm::HubSpot, Contacts, BuyingRole) => &["Buying Role"],
        (Crm::HubSpot, Contacts, Owner) => &["Contact owner"],
        (Crm::HubSpot, Companies, Name) => &["Company name"],
        (Crm::HubSpot, Companies, Domain) => &["Company Domain Name"],
        (Crm::HubSpot, Companies, Owner) => &["Company owner"],
        (Crm::HubSpot, Activities, Kind) => &["Activity type", "Activity Type"],
        (Crm::HubSpot, Activities, Subject) => &[
            "Call Title",
            "Meeting name",
            "Email subject",
            "Task title",
            "Subject",
        ],
        (Crm::HubSpot, Activities, Body) => &[
            "Call notes",
            "Note body",
            "Meeting description",
            "Text",
            "Task notes",
        ],
        (Crm::HubSpot, Activities, At) => &["Activity date", "Meeting start time"],
        (Crm::HubSpot, Activities, CallDirection) => &["Call direction", "Email Direction"],
        (Crm::HubSpot, Activities, Disposition) => {
            &["Call outcome", "Meeting outcome", "Call status"]
        }
        (Crm::HubSpot, Activities, DealId) => &["Associated Deal IDs", "Associated Deal ID"],
        (Crm::HubSpot, Activities, ContactId) => {
            &["Associated Contact IDs", "Associated Contact ID"]
        }
        (Crm::HubSpot, Activities, CompanyId) => {
            &["Associated Company IDs", "Associated Company ID"]
        }
        (Crm::Salesforce, _, Id) => &[
            "Id",
            "Opportunity ID",
            "Contact ID",
            "Account ID",
            "Activity ID",
            "Lead ID",
        ],
        (Crm::Salesforce, Deals, Title) => &["Name", "Opportunity Name"],
        (Crm::Salesforce, Deals, Stage) => &["StageName", "Stage"],
        (Crm::Salesforce, Deals, IsClosed) => &["IsClosed", "Closed"],
        (Crm::Salesforce, Deals, IsWon) => &["IsWon", "Won"],
        (Crm::Salesforce, Deals, Amount) => &["Amount"],
        (Crm::Salesforce, Deals, Currency) => {
            &["CurrencyIsoCode", "Opportunity Currency", "Amount Currency"]
        }
        (Crm::Salesforce, Deals, CloseDate) => &["CloseDate", "Close Date"],
        (Crm::Salesforce, _, Owner) => &[
            "Opportunity Owner",
            "Account Owner",
            "Contact Owner",
            "OwnerId",
            "Owner Name",
        ],
        (Crm::Salesforce, _, Created) => &["CreatedDate", "Created Date"],
        (Crm::Salesforce, Deals, LostReason) => &[
            "Loss_Reason__c",
            "Lost_Reason__c",
            "Reason_Lost__c",
            "Closed_Lost_Reason__c",
            "Loss Reason",
            "Lost Reason",
        ],
        (Crm::Salesforce, Deals, NextStep) => &["NextStep", "Next Step"],
        (Crm::Salesforce, _, LastActivity) => &["LastActivityDate", "Last Activity"],
        (Crm::Salesforce, Deals | Contacts, CompanyId) => &["AccountId", "Account ID"],
        (Crm::Salesforce, Deals, CompanyName) => &["Account Name", "Account.Name"],
        // A lead names its company in words (`Company`); it has no account yet.
        (Crm::Salesforce, Contacts, CompanyName) => &[
            "Account Name",
            "Account.Name",
            "Company",
            "Company / Account",
        ],
        (Crm::Salesforce, _, Deleted) => &["IsDeleted", "Deleted"],
        (Crm::Salesforce, Contacts, Converted) => &["IsConverted", "Converted"],
        (Crm::Salesforce, Contacts, FirstName) => &["FirstName", "First Name"],
        (Crm::Salesforce, Contacts, LastName) => &["LastName", "Last Name"],
        (Crm::Salesforce, Contacts, Email) => &["Email"],
        (Crm::Salesforce, Contacts, JobTitle) => &["Title"],
        (Crm::Salesforce, Contacts, OptedOut) => &["HasOptedOutOfEmail", "Email Opt Out"],
        (Crm::Salesforce, Companies, Name) => &["Name", "Account Name"],
        (Crm::Salesforce, Companies, Domain) => &["Website"],
        (Crm::Salesforce, Activities, Kind) => {
            &["TaskSubtype", "EventSubtype", "Type", "Task Subtype"]
        }
        (Crm::Salesforce, Activities, Subject) => &["Subject"],
        (Crm::Salesforce, Activities, Body) => &["Description", "Comments"],
        (Crm::Salesforce, Activities, At) => {
            &["ActivityDateTime", "ActivityDate", "Due Date", "Date"]
        }
        (Crm::Salesforce, Activities, Done) => &["IsClosed", "Closed"],
        (Crm::Salesforce, Activities, Status) => &["Status"],
        (Crm::Salesforce, Activities, Disposition) => &["CallDisposition", "Call Result"],
        (Crm::Salesforce, Activities, CallDirection) => &["CallType", "Call Type"],
        (Crm::Salesforce, Activities, DealId) => &["WhatId", "Related To ID"],
        (Crm::Salesforce, Activities, ContactId) => &["WhoId", "Name ID"],
        (Crm::Salesforce, Activities, CompanyId) => &["AccountId"],
        (Crm::Pipedrive, Deals, Id) => &["Deal - ID"],
        (Crm::Pipedrive, Deals, Title) => &["Deal - Title"],
        (Crm::Pipedrive, Deals, Stage) => &["Deal - Stage"],
        (Crm::Pipedrive, Deals, Status) => &["Deal - Status"],
        (Crm::Pipedrive, Deals, Amount) => &["Deal - Value"],
        (Crm::Pipedrive, Deals, Currency) => &["Deal - Currency of Value", "Deal - Currency"],
        (Crm::Pipedrive, Deals, CloseDate) => &["Deal - Expected close date"],
        (Crm::Pipedrive, Deals, Owner) => &["Deal - Owner"],
        (Crm::Pipedrive, Deals, Created) => &[
            "Deal - Deal created",
            "Deal - Add time",
            "Deal - Creation date",
        ],
        (Crm::Pipedrive, Deals, StageEntered) => &["Deal - Last stage change"],
        (Crm::Pipedrive, Deals, LostReason) => &["Deal - Lost reason"],
        (Crm::Pipedrive, Deals, LastActivity) => &["Deal - Last activity date"],
        (Crm::Pipedrive, Deals, LastContacted) => &["Deal - Last email sent"],
        (Crm::HubSpot, Deals, Pipeline) => &["Pipeline"],
        (Crm::Pipedrive, Deals, Pipeline) => &["Deal - Pipeline"],
        (Crm::Pipedrive, Deals, ClosedOn) => &[
            "Deal - Deal closed on",
            "Deal - Lost time",
            "Deal - Won time",
        ],
        (Crm::Pipedrive, Deals, NextActivity) => &["Deal - Next activity date"],
        (Crm::Pipedrive, Deals, CompanyId) => &["Deal - Organization ID"],
        (Crm::Pipedrive, Deals, CompanyName) => &["Deal - Organization"],
        (Crm::Pipedrive, Deals, ContactIds) => &["Deal - Contact person ID"],
        (Crm::Pipedrive, Deals, ContactName) => &["Deal - Contact person"],
        (Crm::Pipedrive, Contacts, Id) => &["Person - ID"],
        (Crm::Pipedrive, Contacts, Name) => &["Person - Name"],
        (Crm::Pipedrive, Contacts, FirstName) => &["Person - First name"],
        (Crm::Pipedrive, Contacts, LastName) => &["Person - Last name"],
        (Crm::Pipedrive, Contacts, Email) => &[
            "Person - Email - Work",
            "Person - Email",
            "Person - Email (Work)",
        ],
        (Crm::Pipedrive, Contacts, OtherEmails) => &[
            "Person - Email - Home",
            "Person - Email - Other",
            "Person - Email (Home)",
        ],
        (Crm::Pipedrive, Contacts, JobTitle) => &["Person - Title", "Person - Job title"],
        (Crm::Pipedrive, Contacts, CompanyId) => &["Person - Organization ID"],
        (Crm::Pipedrive, Contacts, CompanyName) => &["Person - Organization"],
        (Crm::Pipedrive, Contacts, Owner) => &["Person - Owner"],
        (Crm::Pipedrive, Companies, Id) => &["Organization - ID"],
        (Crm::Pipedrive, Companies, Name) => &["Organization - Name"],
        (Crm::Pipedrive, Companies, Owner) => &["Organization - Owner"],
        (Crm::Pipedrive, Activities, Id) => &["Activity - ID"],
        (Crm::Pipedrive, Activities, Kind) => &["Activity - Type"],
        (Crm::Pipedrive, Activities, Subject) => &["Activity - Subject"],
        (Crm::Pipedrive, Activities, Body) => &["Activity - Note", "Note - Content"],
        (Crm::Pipedrive, Activities, At) => {
            &["Activity - Due date", "Activity - Marked as done time"]
        }
        (Crm::Pipedrive, Activities, Done) => &["Activity - Done"],
        (Crm::Pipedrive, Activities, DealId) => &["Activity - Deal ID"],
        (Crm::Pipedrive, Activities, DealName) => &["Activity - Deal"],
        (Crm::Pipedrive, Activities, ContactId) => &["Activity - Contact person ID"],
        (Crm::Pipedrive, Activities, ContactName) => &["Activity - Contact person"],
        (Crm::Pipedrive, Activities, CompanyName) => &["Activity - Organization"],
        _ => &[],
    }
}

/// The fields read for each object.
pub fn fields(object: Object) -> &'static [Field] {
    use Field::*;
    match object {
        Object::Deals => &[
            Id,
            Title,
            Stage,
            Status,
            IsClosed,
            IsWon,
            Amount,
            Currency,
            CloseDate,
            ClosedOn,
            Pipeline,
            Owner,
            Created,
            StageEntered,
            LostReason,
            NextStep,
            LastActivity,
            LastContacted,
            NextActivity,
            CompanyId,
            CompanyName,
            ContactIds,
            ContactName,
            Deleted,
        ],
        Object::Contacts => &[
            Id,
            FirstName,
            LastName,
            Name,
            Email,
            OtherEmails,
            JobTitle,
            BuyingRole,
            OptedOut,
            CompanyId,
            CompanyName,
            Owner,
            Created,
            LastActivity,
            Deleted,
            Converted,
        ],
        Object::Companies => &[Id, Name, Domain, Owner, Created, Deleted],
        Object::Activities => &[
            Id,
            Kind,
            Subject,
            Body,
            At,
            Done,
            Status,
            CallDirection,
            Disposition,
            DealId,
            DealName,
            ContactId,
            ContactName,
            CompanyId,
            CompanyName,
            Deleted,
        ],
    }
}

/// A mapping file: what the export cannot say by itself. Every table is optional.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// `hubspot`, `salesforce` or `pipedrive`; the header set tells when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crm: Option<String>,
    /// The ISO 4217 currency of amounts that name none (default: the database's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The IANA time zone of times written without an offset (HubSpot's and Pipedrive's are
    /// the account's); default UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// `mdy` or `dmy`, for slashed dates a column does not settle (`4/8/2025`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_order: Option<String>,
    /// `"."` or `","`: the decimal mark of amounts, for a file none of whose amounts shows it
    /// (`12.345` reads as twelve thousand or as twelve; without it such an amount is refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimal_mark: Option<String>,
    /// CRM stage -> Rekindle stage, or `won` / `lost` for the closing stages.
    #[serde(default, deserialize_with = "unique_keys")]
    pub stages: BTreeMap<String, String>,
    /// CRM owner (as the export writes it) -> the rep's name in Rekindle.
    #[serde(default, deserialize_with = "unique_keys")]
    pub owners: BTreeMap<String, String>,
    /// A lost-reason value -> a reason of Rekindle's taxonomy (`budget`, `competitor`...).
    #[serde(default, deserialize_with = "unique_keys")]
    pub lost_reasons: BTreeMap<String, String>,
    /// A pipeline -> its closed-lost stage, for an export back to a CRM whose pipelines each
    /// have their own (HubSpot: "Renewals" = "Renewal lost").
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "unique_keys"
    )]
    pub lost_stages: BTreeMap<String, String>,
    /// Per object (`deals`, `contacts`, `companies`, `activities`): field -> the header that
    /// holds it (for localized or renamed exports).
    #[serde(default, deserialize_with = "unique_tables")]
    pub columns: BTreeMap<String, BTreeMap<String, String>>,
    /// A custom deal column -> the kind of the prospect's words it holds (`problem`, `cost`,
    /// `why_now`, `competitor`...).
    #[serde(default, deserialize_with = "unique_keys")]
    pub facts: BTreeMap<String, String>,
    /// Custom deal columns listing needed features (`;`-separated).
    #[serde(default)]
    pub features: Vec<String>,
}

/// A table of a mapping file whose keys are all different as text: YAML's `1` and `"1"`, or
/// `true` and `"true"`, are two keys to a YAML parser but one stage name here, and one must
/// not silently replace the other.
///
/// Errors: a key there twice, named.
fn unique_keys<'de, D>(d: D) -> Result<BTreeMap<String, String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    d.deserialize_map(UniqueKeys(std::marker::PhantomData))
}

/// [`unique_keys`] for the tables of tables (`columns.deals`...), at both levels.
fn unique_tables<'de, D>(d: D) -> Result<BTreeMap<String, BTreeMap<String, String>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let tables: BTreeMap<String, Unique> =
        d.deserialize_map(UniqueKeys(std::marker::PhantomData))?;
    Ok(tables.into_iter().map(|(k, Unique(t))| (k, t)).collect())
}

/// An inner table read with [`unique_keys`].
struct Unique(BTreeMap<String, String>);

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        unique_keys(d).map(Unique)
    }
}

/// Reads a table of `V`s, refusing a key seen before.
struct UniqueKeys<V>(std::marker::PhantomData<V>);

impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for UniqueKeys<V> {
    type Value = BTreeMap<String, V>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a table of names")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some((key, value)) = map.next_entry::<String, V>()? {
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "{key:?} is there twice (as a number or word and as text?): one would replace the other"
                )));
            }
            out.insert(key, value);
        }
        Ok(out)
    }
}

/// A mapping that cannot be used: what is wrong, by key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("mapping {key}: {why}")]
pub struct MappingError {
    pub key: String,
    pub why: String,
}

fn merr(key: impl Into<String>, why: impl Into<String>) -> MappingError {
    MappingError {
        key: key.into(),
        why: why.into(),
    }
}

/// The default stage map of each CRM's default pipeline to Rekindle's default stages (the
/// CRMs' documented default pipelines; `won` and `lost` close the deal).
pub fn default_stages(crm: Crm) -> &'static [(&'static str, &'static str)] {
    match crm {
        Crm::HubSpot => &[
            ("Appointment Scheduled", "qualified"),
            ("Qualified To Buy", "qualified"),
            ("Presentation Scheduled", "demo"),
            ("Decision Maker Bought-In", "proposal"),
            ("Contract Sent", "negotiation"),
            ("Closed Won", "won"),
            ("Closed Lost", "lost"),
        ],
        Crm::Salesforce => &[
            ("Prospecting", "qualified"),
            ("Qualification", "qualified"),
            ("Needs Analysis", "discovery"),
            ("Value Proposition", "demo"),
            ("Id. Decision Makers", "demo"),
            ("Perception Analysis", "proposal"),
            ("Proposal/Price Quote", "proposal"),
            ("Negotiation/Review", "negotiation"),
            ("Closed Won", "won"),
            ("Closed Lost", "lost"),
        ],
        Crm::Pipedrive => &[
            ("Lead In", "qualified"),
            ("Qualified", "qualified"),
            ("Contact Made", "discovery"),
            ("Demo Scheduled", "demo"),
            ("Proposal Made", "proposal"),
            ("Negotiations Started", "negotiation"),
        ],
    }
}

impl Mapping {
    /// The mapping a CRM's exports get with no file: its default pipeline's stages. Written by
    /// `import crm --init-mapping` with every standard header listed, for the user to edit.
    pub fn defaults(crm: Crm) -> Mapping {
        let mut columns = BTreeMap::new();
        for object in [
            Object::Deals,
            Object::Contacts,
            Object::Companies,
            Object::Activities,
        ] {
            let table: BTreeMap<String, String> = fields(object)
                .iter()
                .filter_map(|f| {
                    standard_headers(crm, object, *f)
                        .first()
                        .map(|h| (f.key().to_string(), h.to_string()))
                })
                .collect();
            columns.insert(object.as_str().to_string(), table);
        }
        Mapping {
            crm: Some(crm.as_str().to_string()),
            currency: None,
            time_zone: Some("UTC".into()),
            date_order: None,
            decimal_mark: None,
            stages: default_stages(crm)
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            owners: BTreeMap::new(),
            lost_reasons: BTreeMap::new(),
            lost_stages: BTreeMap::new(),
            columns,
            facts: BTreeMap::new(),
            features: Vec::new(),
        }
    }

    /// Reads a mapping file's text (TOML).
    ///
    /// Errors: the TOML error (with its line), or an unknown key.
    pub fn parse(text: &str) -> Result<Mapping, MappingError> {
        toml::from_str(text).map_err(|e| merr("file", e.to_string()))
    }

    /// Reads a mapping file's text in `format` (the file's name tells: [`MappingFormat::of`]).
    ///
    /// Errors: the TOML or YAML error (with its line), or an unknown key.
    pub fn parse_as(text: &str, format: MappingFormat) -> Result<Mapping, MappingError> {
        match format {
            MappingFormat::Toml => Mapping::parse(text),
            MappingFormat::Yaml => {
                serde_saphyr::from_str(text).map_err(|e| merr("file", e.to_string()))
            }
        }
    }

    /// The mapping in `format`, with a header saying what each table is for.
    pub fn to_text(&self, format: MappingFormat) -> String {
        match format {
            MappingFormat::Toml => self.to_toml(),
            MappingFormat::Yaml => {
                Mapping::with_header(serde_saphyr::to_string(self).unwrap_or_default())
            }
        }
    }

    /// The mapping as TOML, with a header saying what each table is for.
    pub fn to_toml(&self) -> String {
        Mapping::with_header(toml::to_string_pretty(self).unwrap_or_default())
    }

    /// `body` under the comment lines that say what each part of a mapping is for (`#`
    /// starts a comment in TOML and in YAML alike).
    fn with_header(body: String) -> String {
        format!(
            "# Rekindle mapping for a CRM export: edit it, then run\n#   rekindle import crm FILE... --mapping THIS_FILE\n# stages: CRM stage = Rekindle stage (or \"won\" / \"lost\"); owners: CRM owner = rep;\n# lost_reasons: value = budget|competitor|timing|no_decision|unresponsive|missing_feature|no_value_seen|no_decision_maker|not_a_priority|other;\n# lost_stages: pipeline = its closed-lost stage, for exports back to HubSpot pipelines other than the default;\n# columns.OBJECT: field = header in your export (for another language; a standard header\n#   your file lacks is passed over, any other must be in the file);\n# date_order = \"dmy\" or \"mdy\": how dates like 03/04/2025 read, when the file cannot tell;\n# decimal_mark = \".\" or \",\": how amounts like 12.345 read, when the file cannot tell;\n# facts: custom column = problem|cost|impact|why_now|decision_process|competitor|price|objection|context;\n# features: custom columns listing needed features.\n\n{body}"
        )
    }
}

/// The language a mapping file is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MappingFormat {
    /// TOML (`mapping.toml`), the default.
    Toml,
    /// YAML 1.2 (`mapping.yaml`, `mapping.yml`), read by `serde-saphyr`.
    Yaml,
}

impl MappingFormat {
    /// The format a file's name says: `.yaml` or `.yml` (any case) is YAML; any other, TOML.
    pub fn of(name: &str) -> MappingFormat {
        let lower = name.to_lowercase();
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            MappingFormat::Yaml
        } else {
            MappingFormat::Toml
        }
    }
}

/// A mapping checked and ready: parsed values, the CRM's stage map merged with the file's.
#[derive(Clone, Debug)]
pub struct Settings {
    pub currency: Currency,
    pub zone: TimeZone,
    pub date_order: Option<DateOrder>,
    /// The decimal mark of amounts, when the mapping sets it (`.` or `,`).
    pub decimal_mark: Option<char>,
    stages: Vec<(String, String)>,
    owners: Vec<(String, String)>,
    lost_reasons: Vec<(String, LostReason)>,
    columns: BTreeMap<String, BTreeMap<String, String>>,
    facts: Vec<(String, FactKind)>,
    features: Vec<String>,
}

impl Settings {
    /// Checks `mapping` for `crm`, with `default_currency` (the database's) for bare amounts.
    ///
    /// Errors: an unknown currency, time zone, date order, lost reason, fact kind or field
    /// key, named by its key in the file.
    pub fn new(
        crm: Crm,
        mapping: &Mapping,
        default_currency: Currency,
    ) -> Result<Settings, MappingError> {
        let currency = match &mapping.currency {
            Some(c) => Currency::parse(c).map_err(|e| merr("currency", e.to_string()))?,
            None => default_currency,
        };
        let zone = match &mapping.time_zone {
            Some(z) => TimeZone::get(z).map_err(|e| merr("time_zone", e.to_string()))?,
            None => TimeZone::UTC,
        };
        let date_order = match mapping
            .date_order
            .as_deref()
            .map(str::to_lowercase)
            .as_deref()
        {
            None => None,
            Some("mdy") => Some(DateOrder::Mdy),
            Some("dmy") => Some(DateOrder::Dmy),
            Some(other) => return Err(merr("date_order", format!("{other:?} is not mdy or dmy"))),
        };
        let decimal_mark = match mapping.decimal_mark.as_deref().map(str::trim) {
            None => None,
            Some(".") => Some('.'),
            Some(",") => Some(','),
            Some(other) => {
                return Err(merr(
                    "decimal_mark",
                    format!("{other:?} is not \".\" or \",\""),
                ));
            }
        };
        let mut stages: Vec<(String, String)> = mapping
            .stages
            .iter()
            .map(|(a, b)| (a.to_lowercase(), b.trim().to_string()))
            .collect();
        for (a, b) in default_stages(crm) {
            if !stages.iter().any(|(s, _)| *s == a.to_lowercase()) {
                stages.push((a.to_lowercase(), b.to_string()));
            }
        }
        let lost_reasons = mapping
            .lost_reasons
            .iter()
            .map(|(value, reason)| {
                LostReason::parse(reason)
                    .map(|r| (value.to_lowercase(), r))
                    .map_err(|e| merr(format!("lost_reasons.{value:?}"), e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        let facts = mapping
            .facts
            .iter()
            .map(|(column, kind)| {
                FactKind::parse(kind)
                    .map(|k| (column.clone(), k))
                    .map_err(|e| merr(format!("facts.{column:?}"), e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        for (object, table) in &mapping.columns {
            let Some(o) = [
                Object::Deals,
                Object::Contacts,
                Object::Companies,
                Object::Activities,
            ]
            .into_iter()
            .find(|o| o.as_str() == object) else {
                return Err(merr(
                    format!("columns.{object}"),
                    "not deals, contacts, companies or activities",
                ));
            };
            for key in table.keys() {
                if !fields(o).iter().any(|f| f.key() == key) {
                    return Err(merr(
                        format!("columns.{object}.{key}"),
                        format!(
                            "not a field of {object}: {}",
                            fields(o)
                                .iter()
                                .map(|f| f.key())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(Settings {
            currency,
            zone,
            date_order,
            decimal_mark,
            stages,
            owners: mapping
                .owners
                .iter()
                .map(|(a, b)| (a.to_lowercase(), b.clone()))
                .collect(),
            lost_reasons,
            columns: mapping.columns.clone(),
            facts,
            features: mapping.features.clone(),
        })
    }

    /// The Rekindle stage (or `won`/`lost`) of a CRM stage, when mapped.
    pub fn stage(&self, crm_stage: &str) -> Option<&str> {
        let key = crm_stage.trim().to_lowercase();
        self.stages
            .iter()
            .find(|(s, _)| *s == key)
            .map(|(_, r)| r.as_str())
    }

    /// The rep's name for a CRM owner (the owner as written when unmapped).
    pub fn owner(&self, crm_owner: &str) -> String {
        let key = crm_owner.trim().to_lowercase();
        self.owners
            .iter()
            .find(|(o, _)| *o == key)
            .map_or_else(|| crm_owner.trim().to_string(), |(_, r)| r.clone())
    }

    /// The taxonomy reason of a lost-reason text: the mapping's, else words of the text
    /// (`lost_reason_of`).
    pub fn lost_reason(&self, text: &str) -> LostReason {
        let key = text.trim().to_lowercase();
        self.lost_reasons
            .iter()
            .find(|(v, _)| *v == key)
            .map_or_else(|| lost_reason_of(text), |(_, r)| *r)
    }
}

/// A lost reason's taxonomy place from its words, the values CRM users pick (HubSpot's and
/// Pipedrive's free text, Salesforce custom picklists: "Price", "Timing", "Competitor",
/// "Ghosted"...); `other` when no word says.
pub fn lost_reason_of(text: &str) -> LostReason {
    let t = text.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&[
        "ghost",
        "unresponsive",
        "no response",
        "no reply",
        "went dark",
        "stopped responding",
        "lost contact",
        "no contact",
    ]) {
        LostReason::Unresponsive
    } else if has(&[
        "competitor",
        "went with",
        "chose",
        "signed with",
        "lost to",
        "incumbent",
        "alternative",
    ]) {
        LostReason::Competitor
    } else if has(&[
        "price",
        "budget",
        "expensive",
        "cost",
        "money",
        "funding",
        "pricing",
    ]) {
        LostReason::Budget
    } else if has(&[
        "timing",
        "too early",
        "next year",
        "later",
        "not now",
        "postpone",
        "delay",
    ]) {
        LostReason::Timing
    } else if has(&[
        "feature",
        "functionality",
        "missing",
        "integration",
        "requirement",
    ]) {
        LostReason::MissingFeature
    } else if has(&[
        "no decision",
        "status quo",
        "do nothing",
        "stay with",
        "in-house",
        "in house",
    ]) {
        LostReason::NoDecision
    } else if has(&["priority", "priorities"]) {
        LostReason::NotAPriority
    } else if has(&["value", "roi", "not convinced"]) {
        LostReason::NoValueSeen
    } else if has(&[
        "decision maker",
        "champion left",
        "no authority",
        "no sponsor",
    ]) {
        LostReason::NoDecisionMaker
    } else {
        LostReason::Other
    }
}

/// Where each field sits in one file.
#[derive(Clone, Debug)]
pub struct Columns {
    pub crm: Crm,
    pub object: Object,
    at: BTreeMap<Field, usize>,
    facts: Vec<(usize, FactKind, String)>,
    features: Vec<usize>,
    headers: Vec<String>,
}

impl Columns {
    /// Finds each field's column among `headers`: the mapping file's header for it, else the
    /// CRM's standard ones (any case).
    ///
    /// Errors: the record's id column is missing (nothing could be upserted), a header the
    /// mapping names is not in the file, or a field's header is there twice.
    pub fn resolve(
        crm: Crm,
        object: Object,
        headers: &[String],
        settings: &Settings,
    ) -> Result<Columns, String> {
        let find = |name: &str| {
            headers
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name.trim()))
        };
        let own = settings.columns.get(object.as_str());
        let mut at = BTreeMap::new();
        for &field in fields(object) {
            let given = own.and_then(|t| t.get(field.key()));
            let standard = standard_headers(crm, object, field);
            let index = match given {
                Some(h) => match find(h) {
                    Some(i) => Some(i),
                    // A standard header the mapping lists as written (`--init-mapping` lists
                    // every one) is optional, as without a mapping; any other is the user's
                    // own and must be there (a misspelt header is said, not passed over).
                    None if standard.iter().any(|s| s.eq_ignore_ascii_case(h.trim())) => None,
                    None => {
                        return Err(format!(
                            "the mapping's columns.{object}.{} names {h:?}, which is not a header of this file",
                            field.key()
                        ));
                    }
                },
                None => standard.iter().find_map(|h| find(h)),
            };
            if let Some(i) = index {
                // The same header twice (a re-saved sheet, a report with a column added
                // twice): which one holds the field cannot be told.
                if let Some(again) = headers
                    .iter()
                    .enumerate()
                    .skip(i + 1)
                    .find(|(_, h)| h.eq_ignore_ascii_case(&headers[i]))
                    .map(|(j, _)| j)
                {
                    return Err(format!(
                        "the header {:?} is there twice (columns {} and {}): remove or rename one",
                        headers[i],
                        i + 1,
                        again + 1
                    ));
                }
                at.insert(field, i);
            }
        }
        if !at.contains_key(&Field::Id) {
            return Err(format!(
                "no id column for {object}: expected {} (or map one: columns.{object}.id)",
                standard_headers(crm, object, Field::Id)
                    .iter()
                    .map(|h| format!("{h:?}"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
        }
        let mut facts = Vec::new();
        for (column, kind) in &settings.facts {
            if let Some(i) = find(column) {
                facts.push((i, *kind, column.clone()));
            }
        }
        let features = settings.features.iter().filter_map(|c| find(c)).collect();
        Ok(Columns {
            crm,
            object,
            at,
            facts,
            features,
            headers: headers.to_vec(),
        })
    }

    /// Whether the file has a column for `field`.
    pub fn has(&self, field: Field) -> bool {
        self.at.contains_key(&field)
    }

    /// The header of a field's column.
    pub fn header(&self, field: Field) -> Option<&str> {
        self.at.get(&field).map(|&i| self.headers[i].as_str())
    }

    /// A field's cell in `row`, trimmed; `None` when the file has no such column or the cell
    /// is empty.
    pub fn cell<'r>(&self, row: &'r Row, field: Field) -> Option<&'r str> {
        let &i = self.at.get(&field)?;
        row.cells.get(i).map(|c| c.trim()).filter(|c| !c.is_empty())
    }
}

/// What one row is: a record, or a row left out by design with why (the CRM deleted it, or
/// it is a lead the CRM converted into records of their own).
// Read once per row and matched at once: boxing the record would add an allocation a row.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Reading {
    Record(CrmRecord),
    /// Left out, with the record's id and why ([`DELETED`], [`CONVERTED`]).
    LeftOut {
        id: String,
        why: &'static str,
    },
}

/// Why a deleted record is left out.
pub const DELETED: &str = "deleted in the CRM";
/// Why a converted lead is left out.
pub const CONVERTED: &str =
    "a converted lead: its contact, account and opportunity are in their own exports";

/// Why a row was refused: its line, the column and what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    pub line: u64,
    /// The header of the column to blame, when one is.
    pub column: Option<String>,
    pub why: String,
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column {c:?}: {}", self.line, self.why),
            None => write!(f, "line {}: {}", self.line, self.why),
        }
    }
}

/// Reads rows of one file into records.
pub struct RowReader<'a> {
    pub columns: &'a Columns,
    pub settings: &'a Settings,
    /// The day/month order of slashed dates, from the file's values (`values::infer_order`)
    /// or the mapping.
    pub date_order: Option<DateOrder>,
    /// The rows come from a workbook (`Dialect::spreadsheet`): a bare number in a date column
    /// is an Excel serial day (`values::serial_day`).
    pub spreadsheet: bool,
    /// The file's decimal mark in amounts: the first its amounts show (`values::decimal_mark`).
    pub decimal: Option<char>,
}

impl RowReader<'_> {
    fn reject(&self, row: &Row, field: Option<Field>, why: impl Into<String>) -> Rejected {
        Rejected {
            line: row.line,
            column: field
                .and_then(|f| self.columns.header(f))
                .map(str::to_string),
            why: why.into(),
        }
    }

    fn id(&self, row: &Row, field: Field) -> Result<Option<String>, Rejected> {
        let Some(raw) = self.columns.cell(row, field) else {
            return Ok(None);
        };
        match self.columns.crm {
            // Ids of any object (WhatId can name an account or an opportunity) normalised.
            Crm::Salesforce => values::salesforce_id(raw)
                .map(Some)
                .map_err(|e| self.reject(row, Some(field), e)),
            _ => Ok(Some(raw.to_string())),
        }
    }

    fn ids(&self, row: &Row, field: Field) -> Vec<String> {
        self.columns
            .cell(row, field)
            .map(|c| {
                c.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| match self.columns.crm {
                        Crm::Salesforce => {
                            values::salesforce_id(s).unwrap_or_else(|_| s.to_string())
                        }
                        _ => s.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn when(&self, row: &Row, field: Field) -> Result<Option<When>, Rejected> {
        self.columns
            .cell(row, field)
            .map(
                |c| match values::serial_day(c).filter(|_| self.spreadsheet) {
                    Some(day) => values::in_range(c, day),
                    None => values::when(c, self.date_order.or(self.settings.date_order)),
                },
            )
            .transpose()
            .map_err(|e| self.reject(row, Some(field), e))
    }

    /// The day a cell names, in the CRM's time zone (the mapping's `time_zone`): a date or a
    /// wall-clock time is its own day; an instant (`...Z`, `+0100`) the day it was there.
    fn day(&self, row: &Row, field: Field) -> Result<Option<jiff::civil::Date>, Rejected> {
        Ok(self.when(row, field)?.map(|w| match w {
            When::Instant(t) => t.to_zoned(self.settings.zone.clone()).date(),
            other => other.day(),
        }))
    }

    fn instant(&self, row: &Row, field: Field) -> Result<Option<Timestamp>, Rejected> {
        Ok(self
            .when(row, field)?
            .map(|w| w.instant(&self.settings.zone)))
    }

    fn flag(&self, row: &Row, field: Field) -> Result<Option<bool>, Rejected> {
        if !self.columns.has(field) {
            return Ok(None);
        }
        values::flag(self.columns.cell(row, field).unwrap_or(""))
            .map(Some)
            .map_err(|e| self.reject(row, Some(field), e))
    }

    fn text(&self, row: &Row, field: Field) -> Option<String> {
        self.columns.cell(row, field).map(str::to_string)
    }

    /// Reads one row of the file's object. A record the CRM marks deleted (Salesforce
    /// `IsDeleted`, Pipedrive's status `deleted`) and a lead it converted (`IsConverted`) are
    /// left out: the one is gone, the other lives on as the contact, account and opportunity
    /// in their own exports (Salesforce Lead object reference: conversion creates them).
    ///
    /// Errors: the row is refused with its line, the column and why (no id, no title, a date
    /// or amount that does not parse, an unknown stage...).
    pub fn read(&self, row: &Row) -> Result<Reading, Rejected> {
        if let Some(why) = &row.broken {
            return Err(self.reject(row, None, why.clone()));
        }
        let id = self
            .id(row, Field::Id)?
            .ok_or_else(|| self.reject(row, Some(Field::Id), "the id is empty"))?;
        let deleted_status = self.columns.object == Object::Deals
            && self
                .text(row, Field::Status)
                .is_some_and(|s| values::deal_status(&s) == Some("deleted"));
        if deleted_status || self.flag(row, Field::Deleted)? == Some(true) {
            return Ok(Reading::LeftOut { id, why: DELETED });
        }
        if self.flag(row, Field::Converted)? == Some(true) {
            return Ok(Reading::LeftOut { id, why: CONVERTED });
        }
        self.record(row, id).map(Reading::Record)
    }

    fn record(&self, row: &Row, id: String) -> Result<CrmRecord, Rejected> {
        match self.columns.object {
            Object::Deals => self.deal(row, id).map(CrmRecord::Deal),
            Object::Contacts => self.contact(row, id).map(CrmRecord::Contact),
            Object::Companies => {
                let name = self.text(row, Field::Name).ok_or_else(|| {
                    self.reject(row, Some(Field::Name), "the company's name is empty")
                })?;
                Ok(CrmRecord::Company(CrmCompany {
                    line: row.line,
                    id,
                    name,
                    domain: self
                        .text(row, Field::Domain)
                        .and_then(|d| values::website_domain(&d)),
                }))
            }
            Object::Activities => self.activity(row, id).map(CrmRecord::Activity),
        }
    }

    fn deal(&self, row: &Row, id: String) -> Result<CrmDeal, Rejected> {
        let title = self
            .text(row, Field::Title)
            .ok_or_else(|| self.reject(row, Some(Field::Title), "the deal's name is empty"))?;
        let crm_stage = self.text(row, Field::Stage);
        let mapped = crm_stage.as_deref().map(|s| (s, self.settings.stage(s)));
        // Closed from the status column (Pipedrive), the flags (Salesforce, HubSpot), or the
        // stage mapped to won/lost.
        let status_text = self
            .text(row, Field::Status)
            .map(|s| values::deal_status(&s).map_or_else(|| s.to_lowercase(), str::to_string));
        let is_closed = self.flag(row, Field::IsClosed)?;
        let is_won = self.flag(row, Field::IsWon)?;
        let status = match (
            status_text.as_deref(),
            is_closed,
            is_won,
            mapped.and_then(|(_, m)| m),
        ) {
            (Some("won"), ..) | (_, _, Some(true), _) | (_, _, _, Some("won")) => DealStatus::Won,
            (Some("lost"), ..)
            | (_, Some(true), Some(false) | None, _)
            | (_, _, _, Some("lost")) => DealStatus::Lost,
            (Some("open") | None, ..) => DealStatus::Open,
            (Some(other), ..) => {
                return Err(self.reject(
                    row,
                    Some(Field::Status),
                    format!("{other:?} is not open, won or lost (in English, German, French, Spanish, Portuguese or Italian)"),
                ));
            }
        };
        if crm_stage.is_none() && status == DealStatus::Open && self.columns.has(Field::Stage) {
            return Err(self.reject(
                row,
                Some(Field::Stage),
                "the stage is empty: an open deal needs one",
            ));
        }
        let stage = match mapped {
            Some((_, Some(s))) if s != "won" && s != "lost" => Some(s.to_string()),
            Some((raw, None)) if status == DealStatus::Open => {
                return Err(self.reject(
                    row,
                    Some(Field::Stage),
                    format!("the stage {raw:?} is not in the stage map: add it to the mapping file's [stages]"),
                ));
            }
            _ => None,
        };
        let amount = self
            .columns
            .cell(row, Field::Amount)
            .map(|a| {
                values::amount(
                    a,
                    self.columns.cell(row, Field::Currency),
                    self.settings.currency,
                    self.decimal,
                )
                .map_err(|e| self.reject(row, Some(Field::Amount), e))
            })
            .transpose()?;
        let lost = match (status, self.text(row, Field::LostReason)) {
            (DealStatus::Lost, Some(text)) => Some((self.settings.lost_reason(&text), text)),
            (DealStatus::Lost, None) => Some((LostReason::Other, String::new())),
            _ => None,
        };
        let facts = self
            .columns
            .facts
            .iter()
            .filter_map(|(i, kind, header)| {
                row.cells
                    .get(*i)
                    .map(|c| c.trim())
                    .filter(|c| !c.is_empty())
                    .map(|c| (*kind, c.to_string(), header.clone()))
            })
            .collect();
        let needed_features = self
            .columns
            .features
            .iter()
            .filter_map(|i| row.cells.get(*i))
            .flat_map(|c| c.split(';'))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        Ok(CrmDeal {
            line: row.line,
            id,
            title,
            stage,
            status,
            amount,
            close_date: self.day(row, Field::CloseDate)?,
            closed_on: self.day(row, Field::ClosedOn)?,
            pipeline: self.text(row, Field::Pipeline),
            owner: self
                .text(row, Field::Owner)
                .map(|o| self.settings.owner(&o)),
            created: self.instant(row, Field::Created)?,
            stage_entered: self.instant(row, Field::StageEntered)?,
            lost,
            next_step: self.text(row, Field::NextStep),
            last_activity: self.day(row, Field::LastActivity)?,
            last_contacted: self.day(row, Field::LastContacted)?,
            next_activity: self.day(row, Field::NextActivity)?,
            company_id: self.ids(row, Field::CompanyId).into_iter().next(),
            company_name: self.text(row, Field::CompanyName),
            contact_ids: self.ids(row, Field::ContactIds),
            contact_name: self.text(row, Field::ContactName),
            facts,
            needed_features,
        })
    }

    fn contact(&self, row: &Row, id: String) -> Result<CrmContact, Rejected> {
        let first = self.text(row, Field::FirstName);
        let last = self.text(row, Field::LastName);
        let name = match (self.text(row, Field::Name), first, last) {
            (Some(n), ..) => n,
            (None, Some(f), Some(l)) => format!("{f} {l}"),
            (None, Some(one), None) | (None, None, Some(one)) => one,
            (None, None, None) => {
                return Err(self.reject(row, Some(Field::LastName), "the person's name is empty"));
            }
        };
        let mut emails = Vec::new();
        for field in [Field::Email, Field::OtherEmails] {
            if let Some(c) = self.columns.cell(row, field) {
                for e in c.split([';', ',']).map(str::trim).filter(|e| !e.is_empty()) {
                    rekindle_core::EmailAddress::parse(e)
                        .map_err(|err| self.reject(row, Some(field), err.to_string()))?;
                    emails.push(e.to_string());
                }
            }
        }
        let role = self
            .columns
            .cell(row, Field::BuyingRole)
            .and_then(|r| Role::parse(&r.to_lowercase().replace([' ', '-'], "_")).ok());
        Ok(CrmContact {
            line: row.line,
            id,
            name,
            emails,
            title: self.text(row, Field::JobTitle),
            role,
            opted_out: self.flag(row, Field::OptedOut)?.unwrap_or(false),
            company_id: self.ids(row, Field::CompanyId).into_iter().next(),
            company_name: self.text(row, Field::CompanyName),
        })
    }

    fn activity(&self, row: &Row, id: String) -> Result<CrmActivity, Rejected> {
        let kind_text = self
            .text(row, Field::Kind)
            .unwrap_or_default()
            .to_lowercase();
        let subject = self.text(row, Field::Subject).unwrap_or_default();
        let kind_source = if kind_text.is_empty() {
            subject.to_lowercase()
        } else {
            kind_text
        };
        let kind = if kind_source.contains("call") || kind_source.contains("anruf") {
            ActivityKind::Call
        } else if kind_source.contains("meeting")
            || kind_source.contains("event")
            || kind_source.contains("termin")
        {
            ActivityKind::Meeting
        } else if kind_source.contains("email")
            || kind_source.contains("e-mail")
            || kind_source.contains("mail")
        {
            ActivityKind::Email
        } else {
            ActivityKind::Note
        };
        let at = self
            .instant(row, Field::At)?
            .ok_or_else(|| self.reject(row, Some(Field::At), "the activity has no date"))?;
        let done = match (self.flag(row, Field::Done)?, self.text(row, Field::Status)) {
            (Some(d), _) => d,
            (None, Some(s)) => s.eq_ignore_ascii_case("completed"),
            (None, None) => true,
        };
        let direction_text = self
            .text(row, Field::CallDirection)
            .unwrap_or_default()
            .to_lowercase();
        let direction = if direction_text.starts_with("inbound")
            || direction_text.starts_with("incoming")
            || direction_text == "in"
        {
            Direction::Inbound
        } else {
            Direction::Outbound
        };
        let disposition = self
            .text(row, Field::Disposition)
            .unwrap_or_default()
            .to_lowercase();
        let outcome = match kind {
            ActivityKind::Meeting
                if disposition.contains("no_show") || disposition.contains("no show") =>
            {
                Some(Outcome::NoShow)
            }
            ActivityKind::Meeting if disposition.contains("cancel") => Some(Outcome::Cancelled),
            ActivityKind::Meeting if done => Some(Outcome::MeetingHeld),
            ActivityKind::Call if disposition.contains("connected") => Some(Outcome::Connected),
            ActivityKind::Call if disposition.contains("voicemail") => Some(Outcome::VoicemailLeft),
            ActivityKind::Call
                if disposition.contains("no answer")
                    || disposition.contains("no_answer")
                    || disposition.contains("busy") =>
            {
                Some(Outcome::NoAnswer)
            }
            ActivityKind::Email if direction == Direction::Inbound => Some(Outcome::Replied),
            ActivityKind::Email => Some(Outcome::Sent),
            _ => None,
        };
        let deal_id = self.id(row, Field::DealId)?;
        Ok(CrmActivity {
            line: row.line,
            id,
            kind,
            direction,
            at,
            outcome,
            planned: !done,
            summary: if subject.is_empty() {
                kind.as_str().to_string()
            } else {
                subject
            },
            body: self.text(row, Field::Body),
            deal_id,
            deal_name: self.text(row, Field::DealName),
            contact_id: self.id(row, Field::ContactId)?,
            company_id: self.id(row, Field::CompanyId)?,
            company_name: self.text(row, Field::CompanyName),
            contact_name: self.text(row, Field::ContactName),
        })
    }
}
