// The article's slug as the site makes it (newsroom.persian.persian_slug): ZWNJ becomes a
// hyphen, so «مهم‌ترین» gives «مهم-ترین», not Django's URLify «مهمترین». Fills the slug from
// the headline until the editor types a slug of their own.
"use strict";

function persianSlug(value) {
  return value
    .replace(/\u200c/g, " ")
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\s-]/gu, "")
    .replace(/[-\s]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "");
}

if (typeof document !== "undefined") {
  document.addEventListener("DOMContentLoaded", () => {
    const headline = document.getElementById("id_headline");
    const slug = document.getElementById("id_slug");
    if (!headline || !slug) return;
    let own = slug.value !== "" && slug.value !== persianSlug(headline.value);
    slug.addEventListener("input", () => { own = slug.value !== ""; });
    headline.addEventListener("input", () => {
      if (!own) slug.value = persianSlug(headline.value).slice(0, slug.maxLength > 0 ? slug.maxLength : 255);
    });
  });
}

if (typeof module !== "undefined") module.exports = { persianSlug };
