// Live updates by polling a change cursor: each poll is one short request (a 304 when nothing
// changed), so no web worker is held per open tab.
import { api } from "./api.js";

const INTERVAL_MS = 1500;
let cursor = null;
let timer = null;
let running = false;
let inFlight = false;
const changeHandlers = [];
const stateHandlers = [];

async function poll() {
  timer = null;
  if (!running || inFlight) return;
  if (document.hidden) return;            // resumed by visibilitychange
  inFlight = true;
  try {
    const headers = cursor ? { "If-None-Match": `"${cursor}"` } : {};
    const answer = await api("/changes", { query: { since: cursor || undefined }, headers });
    stateHandlers.forEach((handler) => handler("ok"));
    if (answer) {
      const first = cursor === null;
      cursor = answer.cursor;
      if (!first && (answer.events.length || answer.truncated)) {
        changeHandlers.forEach((handler) => handler({ events: answer.events, truncated: answer.truncated }));
      }
    }
  } catch (error) {
    if (error.status === 401) return;     // signed out; start() resumes
    stateHandlers.forEach((handler) => handler("error"));
  } finally {
    inFlight = false;
    if (running && !document.hidden) timer = setTimeout(poll, INTERVAL_MS);
  }
}

document.addEventListener("visibilitychange", () => {
  if (!document.hidden && running && !timer && !inFlight) {
    // Back from a hidden tab: whatever happened meanwhile counts as a change.
    changeHandlers.forEach((handler) => handler({ events: [], truncated: true }));
    poll();
  }
});

export const live = {
  start() {
    running = true;
    cursor = null;
    if (!timer && !inFlight) poll();
  },
  stop() {
    running = false;
    clearTimeout(timer);
    timer = null;
  },
  // Poll now (after a change of our own, so counts catch up at once).
  poke() {
    if (!running) return;
    clearTimeout(timer);
    timer = null;
    if (!inFlight) poll();
  },
  onChanges(handler) { changeHandlers.push(handler); },
  onState(handler) { stateHandlers.push(handler); },
};
