//! Template filters praxis puts in place of Tera's own where those cost more
//! than they need to, with the same output for any value.
//!
//! Tera's `safe` copies the string it marks safe. Templates mark a page's
//! whole HTML (`page.content | safe`), its JSON-LD and every listed page's
//! summary safe, so each page's HTML was copied once more than it is
//! written. Here a string is marked safe as it is (its text is shared, not
//! copied); any other value is made into text exactly as Tera's filter does.

use tera::{Kwargs, State, Tera, Value};

/// `safe`: the value, marked as needing no escaping.
fn safe(value: Value, _: Kwargs, _: &State) -> Value {
    if value.is_string() {
        value.mark_safe()
    } else {
        // What Tera's own filter gives for numbers, lists, maps…
        Value::safe_string(&format!("{value}"))
    }
}

/// Puts praxis's filters in place of Tera's.
pub fn register(tera: &mut Tera) {
    tera.register_filter("safe", safe);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `template` rendered by Tera with its own filters and with praxis's.
    fn both(template: &str, ctx: &tera::Context) -> (String, String) {
        let render = |ours: bool| {
            let mut tera = Tera::new();
            tera.autoescape_on(vec![".html"]);
            if ours {
                register(&mut tera);
            }
            tera.add_raw_template("t.html", template).expect("template");
            tera.render("t.html", ctx).expect("render")
        };
        (render(false), render(true))
    }

    #[test]
    fn safe_prints_what_teras_own_filter_prints() {
        let mut ctx = tera::Context::new();
        ctx.insert("html", "<p>A &amp; B</p>");
        ctx.insert("long", &"<b>x</b> ".repeat(100));
        ctx.insert("short", "<i>");
        ctx.insert("n", &42);
        ctx.insert("f", &1.5);
        ctx.insert("yes", &true);
        ctx.insert("list", &vec!["<a>", "b"]);
        ctx.insert("none", &Option::<String>::None);
        let template = "{{ html | safe }}|{{ long | safe }}|{{ short | safe }}|{{ n | safe }}|\
            {{ f | safe }}|{{ yes | safe }}|{{ list | safe }}|{{ none | safe }}|\
            {{ html | safe | upper }}|{{ html }}|{% set s = short | safe %}{{ s }}";
        let (theirs, ours) = both(template, &ctx);
        assert_eq!(ours, theirs);
        assert!(ours.starts_with("<p>A &amp; B</p>|<b>x</b> "), "{ours}");
        assert!(ours.ends_with("|<i>"), "{ours}");
    }

    #[test]
    fn safe_of_an_undefined_value_fails_as_before() {
        let ctx = tera::Context::new();
        let render = |ours: bool| {
            let mut tera = Tera::new();
            if ours {
                register(&mut tera);
            }
            tera.add_raw_template("t.html", "{{ missing | safe }}")
                .expect("template");
            tera.render("t.html", &ctx).is_err()
        };
        assert_eq!(render(true), render(false));
    }
}
