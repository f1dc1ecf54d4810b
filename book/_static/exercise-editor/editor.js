// Exercise editors for a chapter page (see _ext/exercise_editor.py, which puts this script and the
// page's data in chapters 1-11). Each exercise cell ([data-exercise="N.M"]) becomes an editor that
// starts from the notebook's stub: Run (or Shift+Enter) checks it with the course's own `check`, in
// Python running in a Web Worker (worker.js), loaded on the first Run only. Code and verdicts are kept
// in this browser's localStorage, per exercise.
(() => {
  "use strict";
  const dataElement = document.getElementById("micrograd-exercise-data");
  if (!dataElement) return;
  const here = new URL(".", document.currentScript.src);
  const data = JSON.parse(dataElement.textContent);
  const CODE_KEY = "micrograd-exercise-code:";
  const VERDICT_KEY = "micrograd-exercise-verdict:";
  const MARKS = { correct: "✅", wrong: "❌", "not attempted": "⏳", error: "❌" };
  const editors = [];
  let worker = null;
  let ready = false;
  let running = null; // the editor whose code is running

  const store = {
    get(key) {
      try {
        return window.localStorage.getItem(key);
      } catch (error) {
        return null; // storage disabled: the editor still works, nothing is kept
      }
    },
    set(key, value) {
      try {
        if (value === null) window.localStorage.removeItem(key);
        else window.localStorage.setItem(key, value);
      } catch (error) {
        /* storage full or disabled */
      }
    },
  };

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function megabytes(bytes) {
    return (bytes / 1e6).toFixed(1);
  }

  function servedFromFile() {
    return window.location.protocol === "file:";
  }

  const FILE_MESSAGE =
    "The exercises run Python in your browser, and browsers allow that only for pages served over " +
    "http, not opened as files. Serve the book and open it from there:\n\n" +
    "    make serve        (in the course's folder; or: python -m http.server -d _build/html)\n\n" +
    "then open http://127.0.0.1:8000/ . On the published site this works as it is.";

  function startWorker() {
    worker = new Worker(new URL("worker.js", here), { type: "module" });
    ready = false;
    worker.onmessage = (event) => receive(event.data);
    worker.onerror = (event) => {
      if (running) finish(running, "Python could not start in this page: " + event.message, "error");
    };
  }

  function receive(message) {
    const editor = running;
    if (!editor) return;
    if (message.type === "progress") {
      const total = Math.max(message.total, message.loaded);
      editor.progress.hidden = false;
      editor.progress.max = total;
      editor.progress.value = message.loaded;
      editor.status.textContent =
        message.loaded < total
          ? `Loading Python into this page (first Run only): ${megabytes(message.loaded)} of ` +
            `${megabytes(total)} MB`
          : `Loaded ${megabytes(total)} MB; starting Python (a few seconds)…`;
    } else if (message.type === "status") {
      editor.status.textContent = message.text;
    } else if (message.type === "ready") {
      ready = true;
      editor.progress.hidden = true;
      editor.status.textContent = "Running…";
      editor.container.dataset.bootMs = String(Math.round(message.bootMs));
    } else if (message.type === "result") {
      editor.container.dataset.runMs = String(Math.round(message.ms));
      if (message.fatal) {
        worker.terminate(); // its Python cannot run anything more: the next Run starts a new one
        worker = null;
        ready = false;
      }
      finish(editor, message.output || "(the cell printed nothing)", message.verdict);
    } else if (message.type === "failure") {
      worker.terminate();
      worker = null;
      finish(editor, "Python could not start in this page: " + message.text, "error");
    }
  }

  function finish(editor, output, verdict) {
    running = null;
    editor.output.textContent = output;
    editor.output.hidden = false;
    editor.progress.hidden = true;
    editor.container.dataset.verdict = verdict;
    editor.status.textContent = MARKS[verdict] ? `${MARKS[verdict]} ${verdict}` : verdict;
    if (verdict in MARKS) store.set(VERDICT_KEY + editor.id, verdict);
    for (const other of editors) other.run.disabled = false;
    editor.stop.hidden = true;
  }

  function run(editor) {
    if (running) return;
    if (servedFromFile()) {
      editor.output.textContent = FILE_MESSAGE;
      editor.output.hidden = false;
      return;
    }
    const index = editors.indexOf(editor);
    const request = {
      id: editor.id,
      code: editor.code.value,
      earlier: editors.slice(0, index).map((other) => [other.id, other.code.value]),
      context: data.context.slice(0, editor.exercise.context).join("\n\n"),
    };
    running = editor;
    for (const other of editors) other.run.disabled = true;
    editor.stop.hidden = false;
    editor.container.dataset.verdict = "running";
    editor.status.textContent = ready
      ? "Running…"
      : "Starting Python in this page (first Run only: about 13 MB, then it stays loaded)…";
    if (!worker) startWorker();
    worker.postMessage({ type: "run", totalBytes: data.runtimeBytes, request });
  }

  function stop(editor) {
    if (running !== editor || !worker) return;
    worker.terminate(); // the only way to end a Python loop that never returns
    worker = null;
    ready = false;
    finish(
      editor,
      "Stopped. Python was restarted; the next Run loads it again (faster: the browser kept the files).",
      "stopped",
    );
  }

  function autosize(textarea) {
    textarea.rows = Math.max(4, textarea.value.split("\n").length + 1);
  }

  function indent(textarea, outdent) {
    const { selectionStart: start, selectionEnd: end, value } = textarea;
    const lineStart = value.lastIndexOf("\n", start - 1) + 1;
    if (!outdent && start === end) {
      textarea.setRangeText("    ", start, end, "end");
      return;
    }
    const block = value.slice(lineStart, end);
    const lines = block.split("\n");
    const changed = lines.map((line) =>
      outdent ? line.replace(/^ {1,4}/, "") : "    " + line,
    );
    textarea.setRangeText(changed.join("\n"), lineStart, end, "select");
  }

  function keydown(editor, event) {
    if (event.key === "Enter" && event.shiftKey) {
      event.preventDefault();
      run(editor);
    } else if (event.key === "Tab" && !event.ctrlKey && !event.altKey && !event.metaKey) {
      event.preventDefault();
      indent(editor.code, event.shiftKey);
      changed(editor);
    }
  }

  function changed(editor) {
    const value = editor.code.value;
    store.set(CODE_KEY + editor.id, value === editor.exercise.stub ? null : value);
    autosize(editor.code);
  }

  function showHint(editor) {
    const hints = editor.exercise.hints;
    if (!hints.length) return;
    const index = Math.min(editor.hintsShown, hints.length - 1);
    editor.hintsShown = index + 1;
    const last = index + 1 >= hints.length ? " (that was the last hint)" : "";
    editor.hints.hidden = false;
    editor.hints.append(
      element("p", "micrograd-hint", `💡 Hint ${index + 1}/${hints.length} for ${editor.id}${last}: ${hints[index]}`),
    );
  }

  function reset(editor) {
    editor.code.value = editor.exercise.stub;
    changed(editor);
    editor.output.hidden = true;
    editor.output.textContent = "";
    editor.status.textContent = "Back to the notebook's starting code.";
  }

  function build(exercise) {
    const container = document.querySelector(`[data-exercise="${exercise.id}"]`);
    if (!container) return;
    const editor = { id: exercise.id, exercise, container, hintsShown: 0 };
    const box = element("div", "micrograd-editor");
    const bar = element("div", "micrograd-editor-bar");
    editor.run = element("button", "micrograd-run", "▶ Run");
    editor.run.title = "Run and check (Shift+Enter)";
    editor.stop = element("button", "micrograd-stop", "■ Stop");
    editor.stop.hidden = true;
    const hint = element("button", "micrograd-hint-button", "💡 Hint");
    const resetButton = element("button", "micrograd-reset", "↺ Reset");
    resetButton.title = "Bring back the notebook's starting code";
    editor.status = element("span", "micrograd-status");
    editor.progress = element("progress", "micrograd-progress");
    editor.progress.hidden = true;
    bar.append(editor.run, editor.stop, hint, resetButton, editor.status, editor.progress);
    editor.code = element("textarea", "micrograd-code");
    editor.code.spellcheck = false;
    editor.code.setAttribute("autocapitalize", "off");
    editor.code.setAttribute("autocomplete", "off");
    editor.code.setAttribute("wrap", "off");
    editor.code.setAttribute("aria-label", `Your code for exercise ${exercise.id}`);
    editor.code.value = store.get(CODE_KEY + exercise.id) ?? exercise.stub;
    autosize(editor.code);
    editor.hints = element("div", "micrograd-hints");
    editor.hints.hidden = true;
    editor.output = element("pre", "micrograd-output");
    editor.output.hidden = true;
    const saved = store.get(VERDICT_KEY + exercise.id);
    editor.status.textContent = servedFromFile()
      ? "Serve the book over http to run this (press Run to see how)."
      : saved
        ? `Last result in this browser: ${MARKS[saved] || ""} ${saved}. Run (Shift+Enter) to check again.`
        : "Edit the code, then Run (Shift+Enter) to check it.";
    box.append(bar, editor.code, editor.hints, editor.output);
    container.classList.add("micrograd-has-editor");
    container.prepend(box);
    editor.run.addEventListener("click", () => run(editor));
    editor.stop.addEventListener("click", () => stop(editor));
    hint.addEventListener("click", () => showHint(editor));
    resetButton.addEventListener("click", () => reset(editor));
    editor.code.addEventListener("keydown", (event) => keydown(editor, event));
    editor.code.addEventListener("input", () => changed(editor));
    editors.push(editor);
  }

  for (const exercise of data.exercises) build(exercise);
})();
