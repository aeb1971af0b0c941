// The article form's sections in order: «بالا»/«پایین» buttons (keyboard) and drag and drop
// move a section, and the positions are renumbered 1…n in the new order before the form is
// sent (the admin parks changed positions, so any order saves). Without JavaScript the
// position numbers are typed as before. Each move is announced to screen readers.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const group = document.getElementById("sections-group");
  if (!group) return;
  const form = group.closest("form");
  const digits = (n) => String(n).replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[d]);
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("aria-live", "polite");
  group.prepend(status);

  const rows = () => [...group.querySelectorAll(".inline-related")].filter(
    (row) => !row.classList.contains("empty-form") && row.querySelector('input[name$="-position"]'),
  );
  const renumber = () => {
    rows().forEach((row, i) => { row.querySelector('input[name$="-position"]').value = i + 1; });
  };
  let moved = false;
  const announce = (row) => {
    const at = rows().indexOf(row) + 1;
    status.textContent = `بخش به جای ${digits(at)} از ${digits(rows().length)} رفت.`;
  };
  const move = (row, step) => {
    const list = rows();
    const target = list[list.indexOf(row) + step];
    if (!target) return;
    target.parentNode.insertBefore(row, step < 0 ? target : target.nextSibling);
    moved = true;
    renumber();
    announce(row);
  };

  // A subheading is one line and no picture; only a figure has image fields. (Without
  // JavaScript every field shows, as Django draws them.)
  const fitKind = (row) => {
    const kind = row.querySelector('select[name$="-kind"]')?.value;
    const text = row.querySelector('textarea[name$="-text"]');
    if (text) text.rows = kind === "subheading" ? 1 : 10;
    row.querySelectorAll(".field-image, .field-image_alt, .field-caption").forEach((field) => {
      field.hidden = kind !== "figure" && !field.querySelector(".errorlist");
    });
  };

  const equip = (row) => {
    fitKind(row);
    row.querySelector('select[name$="-kind"]')?.addEventListener("change", () => fitKind(row));
    if (row.querySelector(".section-move")) return;
    const bar = document.createElement("span");
    bar.className = "section-move";
    for (const [label, step] of [["بالا", -1], ["پایین", 1]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.setAttribute("aria-label", `بردن این بخش به ${label}`);
      button.addEventListener("click", () => { move(row, step); button.focus(); });
      bar.append(button);
    }
    row.querySelector("h3")?.append(bar);
    row.draggable = true;
    row.addEventListener("dragstart", (event) => {
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.id);
      row.classList.add("dragging");
    });
    row.addEventListener("dragend", () => row.classList.remove("dragging"));
    row.addEventListener("dragover", (event) => { event.preventDefault(); });
    row.addEventListener("drop", (event) => {
      event.preventDefault();
      const dragged = document.getElementById(event.dataTransfer.getData("text/plain"));
      if (!dragged || dragged === row) return;
      const list = rows();
      const after = list.indexOf(dragged) < list.indexOf(row);
      row.parentNode.insertBefore(dragged, after ? row.nextSibling : row);
      moved = true;
      renumber();
      announce(dragged);
    });
  };
  rows().forEach(equip);
  // Sections added with «افزودن» get the same controls, and a position at the end.
  document.addEventListener("formset:added", (event) => {
    if (!event.target.id.startsWith("sections-")) return;
    equip(event.target);
    const input = event.target.querySelector('input[name$="-position"]');
    if (input && !input.value) input.value = rows().length;
  });
  form?.addEventListener("submit", () => { if (moved) renumber(); });
});
