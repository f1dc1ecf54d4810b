// The Python of the page's exercises: Pyodide in a Web Worker (a module worker), so a long or endless
// run never freezes the page; the page ends one by terminating this worker (the Stop button).
//
// Messages in:  {type: "run", request: {id, code, earlier, context}}
// Messages out: {type: "progress", loaded, total}   bytes of the runtime downloaded so far
//               {type: "status", text}              what is happening, in words
//               {type: "ready", bootMs}             Python is up (once)
//               {type: "result", output, verdict, ms}
//               {type: "failure", text}             the runtime could not start

const here = new URL(".", self.location.href); // .../_static/exercise-editor/
const runtime = new URL("../pyodide/", here); // absolute: loadPyodide rejects relative URLs
let total = 0;
let loaded = 0;

// Count the bytes of every download (the runtime's files and the package) for the progress bar. The
// counting reads a copy (clone) of each response, and the original goes to Pyodide untouched: a
// rebuilt Response would lose its URL, and with it the browser's cache of the compiled WebAssembly,
// which makes every later start (the next chapter page, a Run after Stop) faster.
const plainFetch = self.fetch.bind(self);
self.fetch = async (...args) => {
  const response = await plainFetch(...args);
  if (response.body) count(response.clone().body.getReader());
  return response;
};

async function count(reader) {
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    loaded += value.byteLength;
    self.postMessage({ type: "progress", loaded, total });
  }
}

let python = null;

async function boot(totalBytes) {
  total = totalBytes;
  const started = performance.now();
  self.postMessage({ type: "status", text: "Downloading Python (once per visit)…" });
  // the package downloads while the runtime does, so the byte count is complete before Python starts
  const zip = self.fetch(new URL("micrograd.zip", here).href).then((response) => {
    if (!response.ok) throw new Error(`micrograd.zip: HTTP ${response.status}`);
    return response.arrayBuffer();
  });
  const { loadPyodide } = await import(new URL("pyodide.mjs", runtime).href);
  const pyodide = await loadPyodide({
    indexURL: runtime.href,
    lockFileURL: new URL("pyodide-lock.json", runtime).href,
    stdout: () => {},
    stderr: () => {},
  });
  self.postMessage({ type: "status", text: "Installing the course package…" });
  pyodide.unpackArchive(await zip, "zip", { extractDir: "/home/pyodide/course" });
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/course')");
  const runCell = pyodide.runPython(
    "from micrograd.exercises.page import run_cell_json; run_cell_json",
  );
  self.postMessage({ type: "ready", bootMs: performance.now() - started });
  return runCell;
}

let booting = null;

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type !== "run") return;
  try {
    if (!booting) booting = boot(message.totalBytes || 0);
    python = await booting;
  } catch (error) {
    self.postMessage({ type: "failure", text: String(error && error.message ? error.message : error) });
    return;
  }
  const started = performance.now();
  let result;
  try {
    result = JSON.parse(python(JSON.stringify(message.request)));
  } catch (error) {
    // a failure of the page's own machinery, not of the learner's code (run_cell catches that)
    // (or a fatal error of Pyodide itself, after which it cannot run anything: the page restarts it)
    const stack = String(error).includes("call stack")
      ? "\n(Python used up the browser's stack: very deep recursion, or freeing a chain of" +
        " thousands of objects that each hold the next.)"
      : "";
    result = {
      output: "The page could not run this cell: " + String(error) + stack + "\nPython will restart on the next Run.",
      verdict: "error",
      fatal: true,
    };
  }
  self.postMessage({ type: "result", ...result, ms: performance.now() - started });
};
