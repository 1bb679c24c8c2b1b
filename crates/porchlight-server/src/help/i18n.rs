//! The help center's own words (not the articles'), a typed view over the one catalog
//! (`porchlight_domain::catalog`, keys `help.*`). A page in another locale (an article written
//! in German, say) gets the closest catalog language, else English. `{n}` and `{q}` are
//! filled in by the caller.

use std::sync::OnceLock;

use porchlight_domain::catalog::Locale;

macro_rules! help_words {
    ($($field:ident),* $(,)?) => {
        pub struct Ui {
            $(pub $field: &'static str,)*
        }

        fn words(l: Locale) -> Ui {
            Ui {
                $($field: l.t(concat!("help.", stringify!($field))),)*
            }
        }
    };
}

help_words!(
    help_center,
    home_description,
    skip_to_content,
    search_label,
    search_placeholder,
    search_button,
    language,
    categories,
    see_all,
    no_articles,
    other_languages,
    results_for,
    results_count,
    no_results,
    search_prompt,
    was_helpful,
    yes,
    no,
    thanks,
    still_need_help,
    submit_request,
    updated,
    page_of,
    previous,
    next,
    not_found_title,
    not_found_text,
    go_home,
    too_many_title,
    too_many_text,
    back_to_article,
);

/// The locales the help center's own words exist in.
pub const UI_LOCALES: [&str; 4] = ["en", "tr", "pl", "fa"];

/// The catalog for a page in `locale`.
pub fn ui(locale: &str) -> &'static Ui {
    static ALL: OnceLock<[Ui; 4]> = OnceLock::new();
    &ALL.get_or_init(|| Locale::ALL.map(words))[Locale::closest(locale) as usize]
}

/// A number as readers of `locale` write it (Persian digits for fa).
pub fn number(locale: &str, n: impl std::fmt::Display) -> String {
    Locale::closest(locale).number(n)
}

/// The language's own name, for the language switcher.
pub fn language_name(locale: &str) -> &str {
    match locale {
        "en" => "English",
        "tr" => "Türkçe",
        "pl" => "Polski",
        "fa" => "فارسی",
        "de" => "Deutsch",
        "fr" => "Français",
        "es" => "Español",
        "ar" => "العربية",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogs_are_chosen_by_language() {
        assert_eq!(ui("fa-IR").yes, "بله");
        assert_eq!(ui("tr").yes, "Evet");
        assert_eq!(ui("pl").yes, "Tak");
        assert_eq!(ui("de").yes, "Yes");
        assert_eq!(number("fa", 120), "۱۲۰");
        assert_eq!(number("en", 120), "120");
    }

    #[test]
    fn every_catalog_key_the_pages_name_exists() {
        use porchlight_domain::catalog::keys_named_in;
        let named = keys_named_in(include_str!("mod.rs"))
            + keys_named_in(include_str!("pages.rs"))
            + keys_named_in(include_str!("../portal/mod.rs"))
            + keys_named_in(include_str!("../portal/html.rs"));
        assert!(named > 40, "only {named} keys found");
    }
}
