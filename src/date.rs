//! Calendar dates and review intervals as users write them.
//!
//! Front matter and `praxis.toml` give dates either as TOML dates
//! (`date = 2026-03-01`) or as strings (`date: 2026-03-01` in YAML, or an RFC 3339
//! timestamp, of which only the day counts). Intervals are written the way a
//! practice says them: `"12 months"`, `"6 weeks"`, `"90 days"`, `"2 years"`, or
//! short as `60d`, `6m`, `2y`. This module parses both, does the calendar
//! arithmetic, and formats dates for the four languages the theme speaks.

use crate::decimal::push_decimal;

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// A calendar day (no time, no zone: a review is due on a day, not at an hour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Date {
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(y, m, d).map(Date)
    }

    /// Today in the local time zone.
    pub fn today() -> Date {
        Date(chrono::Local::now().date_naive())
    }

    /// ISO 8601, `2026-03-01`.
    pub fn iso(&self) -> String {
        let (year, month, day) = (self.0.year(), self.0.month(), self.0.day());
        match u32::try_from(year) {
            // Written digit by digit: every page shows several dates, and
            // chrono's formatter costs more than the rest of a date view.
            Ok(y) if y <= 9999 => {
                let mut s = String::with_capacity(10);
                push_decimal(&mut s, u64::from(y), 4);
                s.push('-');
                push_decimal(&mut s, u64::from(month), 2);
                s.push('-');
                push_decimal(&mut s, u64::from(day), 2);
                s
            }
            // chrono writes a sign before years beyond four digits.
            _ => self.0.format("%Y-%m-%d").to_string(),
        }
    }

    /// The date as a reader of `lang` writes it: `12 June 2026`, `12. Juni 2026`,
    /// `12 juin 2026`, `12 juni 2026`. Unknown languages get the English form.
    pub fn display(&self, lang: &str) -> String {
        let d = self.0;
        let (day, month, year) = (d.day(), d.month0() as usize, d.year());
        let (day_suffix, name) = match primary_subtag(lang) {
            "de" => (".", MONTHS_DE[month]),
            "fr" => (if day == 1 { "er" } else { "" }, MONTHS_FR[month]),
            "nl" => ("", MONTHS_NL[month]),
            _ => ("", MONTHS_EN[month]),
        };
        let mut s = String::with_capacity(24);
        push_decimal(&mut s, u64::from(day), 1);
        s.push_str(day_suffix);
        s.push(' ');
        s.push_str(name);
        s.push(' ');
        if year < 0 {
            s.push('-');
        }
        push_decimal(&mut s, u64::from(year.unsigned_abs()), 1);
        s
    }

    /// This date moved forward by an interval (month ends clamp: 31 Jan + 1 month = 28/29 Feb).
    pub fn plus(&self, interval: Interval) -> Option<Date> {
        let n = interval.amount;
        let d = match interval.unit {
            Unit::Days => self.0.checked_add_days(Days::new(u64::from(n))),
            Unit::Weeks => self.0.checked_add_days(Days::new(u64::from(n) * 7)),
            Unit::Months => self.0.checked_add_months(Months::new(n)),
            Unit::Years => self.0.checked_add_months(Months::new(n.checked_mul(12)?)),
        };
        d.map(Date)
    }

    /// Whole days from `self` to `other` (negative when `other` is earlier).
    pub fn days_until(&self, other: Date) -> i64 {
        (other.0 - self.0).num_days()
    }
}

fn primary_subtag(lang: &str) -> &str {
    lang.split(['-', '_']).next().unwrap_or(lang)
}

/// Whether `word` (any case) is the full name of a month in English,
/// German, French or Dutch, as dates are written on pages.
pub fn is_month_name(word: &str) -> bool {
    [MONTHS_EN, MONTHS_DE, MONTHS_FR, MONTHS_NL]
        .iter()
        .flatten()
        .any(|m| m.len() == word.len() && m.to_lowercase() == word.to_lowercase())
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl FromStr for Date {
    type Err = String;

    /// `2026-03-01`, or an RFC 3339 timestamp whose day is taken.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let day_part = s.get(..10).unwrap_or(s);
        let rest = s.get(10..).unwrap_or("");
        let ok_rest = rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ');
        match NaiveDate::parse_from_str(day_part, "%Y-%m-%d") {
            Ok(d) if ok_rest => Ok(Date(d)),
            _ => Err(format!(
                "`{s}` is not a date: write it as YYYY-MM-DD, e.g. 2026-03-01"
            )),
        }
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date like 2026-03-01")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                v.parse().map_err(E::custom)
            }
            // TOML dates arrive as a map that toml's own Datetime understands.
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
                let dt =
                    toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let Some(day) = dt.date else {
                    return Err(de::Error::custom(format!(
                        "`{dt}` has no day: write a date like 2026-03-01"
                    )));
                };
                Date::from_ymd(
                    i32::from(day.year),
                    u32::from(day.month),
                    u32::from(day.day),
                )
                .ok_or_else(|| de::Error::custom(format!("`{dt}` is not a valid date")))
            }
        }
        d.deserialize_any(DateVisitor)
    }
}

/// The unit of an [`Interval`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Days,
    Weeks,
    Months,
    Years,
}

/// A calendar interval such as "12 months".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interval {
    pub amount: u32,
    pub unit: Unit,
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match (self.unit, self.amount == 1) {
            (Unit::Days, true) => "day",
            (Unit::Days, false) => "days",
            (Unit::Weeks, true) => "week",
            (Unit::Weeks, false) => "weeks",
            (Unit::Months, true) => "month",
            (Unit::Months, false) => "months",
            (Unit::Years, true) => "year",
            (Unit::Years, false) => "years",
        };
        write!(f, "{} {unit}", self.amount)
    }
}

impl FromStr for Interval {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || {
            format!(
                "`{s}` is not an interval: write a number and a unit, like \"12 months\", \"6 weeks\", \"90 days\" or \"2 years\""
            )
        };
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let amount: u32 = num.parse().map_err(|_| err())?;
        let unit = match unit.trim().to_lowercase().as_str() {
            "d" | "day" | "days" | "tag" | "tage" => Unit::Days,
            "w" | "week" | "weeks" | "woche" | "wochen" => Unit::Weeks,
            "m" | "mo" | "month" | "months" | "monat" | "monate" => Unit::Months,
            "y" | "year" | "years" | "jahr" | "jahre" => Unit::Years,
            _ => return Err(err()),
        };
        if amount == 0 {
            return Err(format!("`{s}` is an empty interval: use at least 1"));
        }
        Ok(Interval { amount, unit })
    }
}

impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

impl Serialize for Interval {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().expect("valid test date")
    }

    #[test]
    fn parses_days_and_timestamps_and_rejects_garbage() {
        assert_eq!(d("2026-03-01").iso(), "2026-03-01");
        assert_eq!(d("2026-03-01T10:00:00+01:00").iso(), "2026-03-01");
        assert!("2026-02-30".parse::<Date>().is_err());
        assert!("1.3.2026".parse::<Date>().is_err());
        assert!("2026-03-01x".parse::<Date>().is_err());
    }

    #[test]
    fn formats_in_four_languages() {
        let date = d("2026-06-12");
        assert_eq!(date.display("en"), "12 June 2026");
        assert_eq!(date.display("de"), "12. Juni 2026");
        assert_eq!(date.display("de-AT"), "12. Juni 2026");
        assert_eq!(date.display("fr"), "12 juin 2026");
        assert_eq!(d("2026-03-01").display("fr"), "1er mars 2026");
        assert_eq!(date.display("nl"), "12 juni 2026");
        assert_eq!(d("2026-03-01").display("de"), "1. März 2026");
    }

    #[test]
    fn written_dates_match_chrono_at_every_width() {
        for (y, m, day) in [
            (2026, 6, 12),
            (1999, 12, 31),
            (0, 1, 1),
            (7, 2, 3),
            (987, 10, 9),
            (9999, 12, 31),
            (10000, 1, 1),
            (-1, 3, 1),
            (-12345, 7, 20),
        ] {
            let date = Date::from_ymd(y, m, day).expect("valid test date");
            assert_eq!(date.iso(), date.0.format("%Y-%m-%d").to_string());
            let month = MONTHS_EN[date.0.month0() as usize];
            assert_eq!(date.display("en"), format!("{day} {month} {y}"));
            let month = MONTHS_DE[date.0.month0() as usize];
            assert_eq!(date.display("de"), format!("{day}. {month} {y}"));
        }
    }

    #[test]
    fn intervals_parse_long_and_short_forms() {
        let i = |s: &str| s.parse::<Interval>();
        assert_eq!(
            i("12 months"),
            Ok(Interval {
                amount: 12,
                unit: Unit::Months
            })
        );
        assert_eq!(
            i("60d"),
            Ok(Interval {
                amount: 60,
                unit: Unit::Days
            })
        );
        assert_eq!(
            i("2 Jahre"),
            Ok(Interval {
                amount: 2,
                unit: Unit::Years
            })
        );
        assert_eq!(
            i("1 week"),
            Ok(Interval {
                amount: 1,
                unit: Unit::Weeks
            })
        );
        assert!(i("soon").unwrap_err().contains("12 months"));
        assert!(i("0 days").is_err());
        assert!(i("six months").is_err());
    }

    #[test]
    fn adding_months_clamps_to_month_end() {
        let m = |n| Interval {
            amount: n,
            unit: Unit::Months,
        };
        assert_eq!(d("2026-01-31").plus(m(1)), Some(d("2026-02-28")));
        assert_eq!(d("2026-06-12").plus(m(6)), Some(d("2026-12-12")));
        let y = Interval {
            amount: 1,
            unit: Unit::Years,
        };
        assert_eq!(d("2024-02-29").plus(y), Some(d("2025-02-28")));
        assert_eq!(d("2026-01-01").days_until(d("2026-01-31")), 30);
    }
}
