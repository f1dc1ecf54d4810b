// The progress page (book/progress.md): which exercises are ✅ in this browser, from the verdicts
// the exercise editors (editor.js) keep in localStorage. Nothing leaves the browser.
(() => {
  "use strict";
  const dataElement = document.getElementById("micrograd-progress-data");
  const target = document.getElementById("micrograd-progress");
  if (!dataElement || !target) return;
  const exercises = JSON.parse(dataElement.textContent);
  const MARKS = { correct: "✅", wrong: "❌", "not attempted": "⏳", error: "❌" };
  function verdict(id) {
    try {
      return window.localStorage.getItem("micrograd-exercise-verdict:" + id);
    } catch (error) {
      return null;
    }
  }
  const table = document.createElement("table");
  table.className = "micrograd-progress-list";
  let done = 0;
  for (const exercise of exercises) {
    const state = verdict(exercise.id);
    if (state === "correct") done += 1;
    const row = table.insertRow();
    row.dataset.exercise = exercise.id;
    row.dataset.verdict = state || "not run";
    row.insertCell().textContent = MARKS[state] || "·";
    const link = document.createElement("a");
    link.href = exercise.href;
    link.textContent = `Exercise ${exercise.id}`;
    row.insertCell().append(link);
    row.insertCell().textContent = exercise.title;
  }
  const summary = document.createElement("p");
  summary.className = "micrograd-progress-summary";
  summary.textContent = `${done} of ${exercises.length} exercises solved (✅) in this browser.`;
  target.replaceChildren(summary, table);
})();
