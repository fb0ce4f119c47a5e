// The attendance grid (bekrin/web/templates/web/teacher/attendance.html), as WAI-ARIA's grid pattern: one tab stop
// (roving tabindex), arrow keys move, a letter or digit sets its status, Enter or Space the chosen one, Delete
// clears. A click or tap sets the chosen status. Every save sends the intended status, never a toggle, so a
// repeated request changes nothing; the answer carries the whole grid as stored (other teachers' saves included)
// and its totals, and the cells are updated in place, so focus stays where it was.

const MOVES = {
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
};

function cellsOf(table) {
  return [...table.tBodies[0].rows].map((row) => [...row.querySelectorAll("button.cell")]);
}

function chosenBrush(table) {
  const toolbar = table.closest("section").querySelector("[role=toolbar]");
  const pressed = toolbar.querySelector("[aria-pressed=true]");
  return pressed ? pressed.dataset.brush : "present";
}

function brushForKey(table, key) {
  const toolbar = table.closest("section").querySelector("[role=toolbar]");
  const lang = document.documentElement.lang || "az";
  const typed = key.toLocaleLowerCase(lang);
  for (const brush of toolbar.querySelectorAll("[data-brush]")) {
    if (brush.dataset.digit === typed || (brush.dataset.key && brush.dataset.key.toLocaleLowerCase(lang) === typed)) {
      return brush.dataset.brush;
    }
  }
  return null;
}

function focusCell(table, cell) {
  for (const other of table.querySelectorAll("button.cell[tabindex='0']")) other.tabIndex = -1;
  cell.tabIndex = 0;
  cell.focus();
}

function announce(table, text) {
  const status = table.closest("section").querySelector("[role=status]");
  status.textContent = "";
  // A new text node each time, so a screen reader says "Saved." again after the next save.
  window.setTimeout(() => {
    status.textContent = text;
  }, 50);
}

function csrfToken(table) {
  return table.dataset.csrf;
}

let requestNumber = 0;

function showCell(cell, status, mark, label) {
  cell.dataset.status = status || "";
  cell.className = `cell status-${status || "none"}`;
  cell.textContent = mark;
  cell.setAttribute("aria-label", label);
}

function apply(table, answer, savedCells) {
  for (const row of table.tBodies[0].rows) {
    const stored = answer.cells[row.dataset.student] || {};
    for (const cell of row.querySelectorAll("button.cell")) {
      const value = stored[cell.dataset.date];
      // A cell with a later save still on its way keeps what it shows until that answer comes.
      if (!value || (cell.dataset.request && !savedCells.includes(cell))) continue;
      showCell(cell, ...value);
    }
    const totals = answer.rows[row.dataset.student];
    const totalCell = row.querySelector(".row-total");
    if (totals && totalCell) totalCell.textContent = `${totals.attended}/${totals.marked} · ${totals.rate}`;
  }
  for (const total of table.querySelectorAll(".column-total")) {
    const counts = answer.columns[total.dataset.date];
    if (counts) total.textContent = `${counts.attended}/${counts.marked}`;
  }
}

async function save(table, cells, status) {
  if (!cells.length) return;
  const number = String(++requestNumber);
  for (const cell of cells) {
    cell.dataset.request = number;
    cell.dataset.intended = status;
    cell.classList.add("pending");
    cell.classList.remove("unsaved");
    cell.setAttribute("aria-busy", "true");
  }
  const body = {
    group_id: Number(table.dataset.group),
    from: table.dataset.from,
    to: table.dataset.to,
    items: cells.map((cell) => ({
      student_id: Number(cell.closest("tr").dataset.student),
      lesson_date: cell.dataset.date,
      status: status || null,
    })),
  };
  let answer = null;
  let problem = table.dataset.failed;
  try {
    const response = await fetch(table.dataset.saveUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(table) },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => null);
    if (response.ok && data) answer = data;
    else if (data && data.error) problem = `${table.dataset.failed} ${data.error.message}`;
  } catch {
    // The network failed: the cells show as not saved below.
  }
  const mine = cells.filter((cell) => cell.dataset.request === number);
  for (const cell of mine) {
    cell.classList.remove("pending");
    cell.removeAttribute("aria-busy");
    delete cell.dataset.request;
  }
  if (answer) {
    apply(table, answer, mine);
    announce(table, answer.message);
    return;
  }
  for (const cell of mine) {
    cell.classList.add("unsaved");
    const label = cell.getAttribute("aria-label").split(" — ")[0];
    cell.setAttribute("aria-label", `${label} — ${table.dataset.unsaved}`);
  }
  announce(table, problem);
}

function intendedFor(table, cell) {
  // A cell that failed to save retries what was meant for it.
  return cell.classList.contains("unsaved") ? cell.dataset.intended : chosenBrush(table);
}

function onClick(event) {
  const brush = event.target.closest("[data-brush]");
  if (brush) {
    for (const other of brush.parentElement.querySelectorAll("[data-brush]")) {
      other.setAttribute("aria-pressed", String(other === brush));
    }
    return;
  }
  const cell = event.target.closest("#attendance-grid button.cell");
  if (cell) {
    const table = cell.closest("table");
    focusCell(table, cell);
    save(table, [cell], intendedFor(table, cell));
    return;
  }
  const fill = event.target.closest("#attendance-grid button.column-fill");
  if (fill) {
    const table = fill.closest("table");
    const empty = [...table.querySelectorAll(`button.cell[data-date="${fill.dataset.date}"]`)].filter(
      (cell) => !cell.dataset.status,
    );
    save(table, empty, "present");
  }
}

function onKeydown(event) {
  const cell = event.target.closest("#attendance-grid button.cell");
  if (!cell || event.altKey || event.ctrlKey || event.metaKey) return;
  const table = cell.closest("table");
  const rows = cellsOf(table);
  const rowIndex = rows.findIndex((row) => row.includes(cell));
  const columnIndex = rows[rowIndex].indexOf(cell);
  let target = null;
  if (event.key in MOVES) {
    const [down, right] = MOVES[event.key];
    const row = rows[Math.min(Math.max(rowIndex + down, 0), rows.length - 1)];
    target = row[Math.min(Math.max(columnIndex + right, 0), row.length - 1)];
  } else if (event.key === "Home") {
    target = rows[rowIndex][0];
  } else if (event.key === "End") {
    target = rows[rowIndex][rows[rowIndex].length - 1];
  }
  if (target) {
    event.preventDefault();
    focusCell(table, target);
    return;
  }
  let status = null;
  if (event.key === "Enter" || event.key === " ") status = intendedFor(table, cell);
  else if (event.key === "Delete" || event.key === "Backspace") status = "";
  else if (event.key.length === 1) status = brushForKey(table, event.key);
  if (status !== null) {
    event.preventDefault();
    save(table, [cell], status);
  }
}

function onFocusin(event) {
  const cell = event.target.closest("#attendance-grid button.cell");
  if (cell && cell.tabIndex !== 0) focusCell(cell.closest("table"), cell);
}

export function startAttendanceGrid(root) {
  root.addEventListener("click", onClick);
  root.addEventListener("keydown", onKeydown);
  root.addEventListener("focusin", onFocusin);
}
