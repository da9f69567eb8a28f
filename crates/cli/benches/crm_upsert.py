#!/usr/bin/env python3
"""What a user would otherwise write to bring a Salesforce export into SQLite: the standard
library's csv and sqlite3, one transaction, each row upserted by the CRM's id (INSERT ... ON
CONFLICT DO UPDATE). The yardstick of `cargo bench --bench crm`.

    python3 crm_upsert.py DB Account.csv Contact.csv Opportunity.csv Task.csv
"""
import csv
import sqlite3
import sys
import time

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contacts (id TEXT PRIMARY KEY, account_id TEXT, name TEXT NOT NULL, email TEXT, title TEXT);
CREATE TABLE IF NOT EXISTS deals (id TEXT PRIMARY KEY, account_id TEXT, title TEXT NOT NULL, stage TEXT,
    amount_cents INTEGER, close_date TEXT, owner TEXT, is_closed INTEGER, is_won INTEGER, next_step TEXT);
CREATE TABLE IF NOT EXISTS activities (id TEXT PRIMARY KEY, deal_id TEXT, contact_id TEXT, subject TEXT,
    at TEXT, body TEXT);
"""


def main():
    db, accounts, contacts, deals, tasks = sys.argv[1:6]
    conn = sqlite3.connect(db)
    conn.executescript(SCHEMA)
    started = time.time()
    rows = 0
    with conn:
        for r in csv.DictReader(open(accounts, newline="", encoding="utf-8-sig")):
            conn.execute(
                "INSERT INTO accounts (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                (r["Id"], r["Name"]),
            )
            rows += 1
        for r in csv.DictReader(open(contacts, newline="", encoding="utf-8-sig")):
            conn.execute(
                "INSERT INTO contacts (id, account_id, name, email, title) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, name = excluded.name, "
                "email = excluded.email, title = excluded.title",
                (r["Id"], r["AccountId"], r["FirstName"] + " " + r["LastName"], r["Email"], r["Title"]),
            )
            rows += 1
        for r in csv.DictReader(open(deals, newline="", encoding="utf-8-sig")):
            conn.execute(
                "INSERT INTO deals (id, account_id, title, stage, amount_cents, close_date, owner, is_closed, is_won, next_step) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, "
                "title = excluded.title, stage = excluded.stage, amount_cents = excluded.amount_cents, "
                "close_date = excluded.close_date, owner = excluded.owner, is_closed = excluded.is_closed, "
                "is_won = excluded.is_won, next_step = excluded.next_step",
                (
                    r["Id"], r["AccountId"], r["Name"], r["StageName"], round(float(r["Amount"] or 0) * 100),
                    r["CloseDate"], r["OwnerId"], r["IsClosed"] == "true", r["IsWon"] == "true", r["NextStep"],
                ),
            )
            rows += 1
        for r in csv.DictReader(open(tasks, newline="", encoding="utf-8-sig")):
            conn.execute(
                "INSERT INTO activities (id, deal_id, contact_id, subject, at, body) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO NOTHING",
                (r["Id"], r["WhatId"], r["WhoId"], r["Subject"], r["ActivityDate"], r["Description"]),
            )
            rows += 1
    seconds = time.time() - started
    print(f"{rows} rows in {seconds:.2f}s: {rows / seconds:.0f} rows/s")


if __name__ == "__main__":
    main()
