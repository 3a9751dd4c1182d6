// The page talks to the same /v1 API as any client; the key stays in this browser's session storage.
const $ = (id) => document.getElementById(id);
const keyInput = $("key");
keyInput.value = sessionStorage.getItem("arcface-key") ?? "";

function status(text, isError = false) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

async function api(path, options = {}) {
  const headers = { "X-Api-Key": keyInput.value, ...(options.headers ?? {}) };
  const response = await fetch(path, { ...options, headers });
  if (!response.ok) {
    let detail = response.statusText;
    try { const p = await response.json(); detail = p.detail ?? p.title ?? detail; } catch { /* not JSON */ }
    throw new Error(`${response.status}: ${detail}`);
  }
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") ?? "";
  return type.includes("json") ? response.json() : response.blob();
}

async function health() {
  const h = await (await fetch("/v1/health")).json();
  $("health").textContent = `${h.store} · ${h.model} · ${h.faces} faces`;
}

async function refreshSubjects() {
  const body = $("subjects").querySelector("tbody");
  body.replaceChildren();
  if (!keyInput.value) return;
  const subjects = await api("/v1/subjects");
  for (const s of subjects) {
    const row = document.createElement("tr");
    row.dataset.subject = s.name;
    const name = document.createElement("td");
    name.textContent = s.name;
    const count = document.createElement("td");
    count.textContent = s.faceCount;
    const actions = document.createElement("td");
    for (const [label, action] of [["Faces", showFaces], ["Rename", renameSubject], ["Delete", deleteSubject]]) {
      const button = document.createElement("button");
      button.textContent = label;
      button.onclick = () => action(s.name).catch((e) => status(e.message, true));
      actions.append(button);
    }
    row.append(name, count, actions);
    body.append(row);
  }
  await health();
}

async function showFaces(name) {
  const faces = await api(`/v1/subjects/${encodeURIComponent(name)}/faces`);
  const box = $("faces");
  box.replaceChildren();
  for (const f of faces) {
    const blob = await api(`/v1/subjects/${encodeURIComponent(name)}/faces/${f.id}/image`);
    const img = document.createElement("img");
    img.alt = `${name} face ${f.id}`;
    img.src = URL.createObjectURL(blob);
    box.append(img);
  }
}

async function renameSubject(name) {
  const to = prompt(`New name for ${name}`, name);
  if (!to || to === name) return;
  await api(`/v1/subjects/${encodeURIComponent(name)}`, {
    method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: to }),
  });
  status(`Renamed ${name} to ${to}.`);
  await refreshSubjects();
}

async function deleteSubject(name) {
  if (!confirm(`Erase ${name} and every stored face?`)) return;
  await api(`/v1/subjects/${encodeURIComponent(name)}`, { method: "DELETE" });
  status(`Erased ${name}.`);
  $("faces").replaceChildren();
  await refreshSubjects();
}

// Groups of unnamed faces: one card a group (largest first), its faces as thumbnails; name, merge, split, erase.
async function refreshGroups() {
  const box = $("groups");
  box.replaceChildren();
  if (!keyInput.value) return;
  const groups = await api("/v1/groups");
  for (const g of groups) {
    const card = document.createElement("div");
    card.className = "group";
    card.dataset.group = g.id;
    const pick = document.createElement("input");
    pick.type = "checkbox";
    pick.title = "Select to merge";
    const title = document.createElement("span");
    title.textContent = ` ${g.faceCount} face(s)`;
    card.append(pick, title, document.createElement("br"));
    for (const f of g.faces) {
      const face = document.createElement("span");
      face.className = f.id === g.representative ? "face representative" : "face";
      face.dataset.face = f.id;
      const img = document.createElement("img");
      img.alt = `face ${f.id}`;
      img.src = URL.createObjectURL(await api(`/v1/groups/${g.id}/faces/${f.id}/image`));
      face.append(img);
      if (g.faceCount > 1) {
        const split = document.createElement("button");
        split.textContent = "×";
        split.title = "Not this person: move to a group of its own";
        split.onclick = () => splitFace(g.id, f.id).catch((e) => status(e.message, true));
        face.append(split);
      }
      card.append(face);
    }
    const form = document.createElement("form");
    const name = document.createElement("input");
    name.placeholder = "Name";
    name.required = true;
    name.maxLength = 200;
    const save = document.createElement("button");
    save.type = "submit";
    save.textContent = "Name";
    const erase = document.createElement("button");
    erase.type = "button";
    erase.textContent = "Delete";
    erase.onclick = () => deleteGroup(g.id).catch((e) => status(e.message, true));
    form.onsubmit = (e) => { e.preventDefault(); nameGroup(g.id, name.value.trim()).catch((err) => status(err.message, true)); };
    form.append(name, save, erase);
    card.append(form);
    box.append(card);
  }
}

// Cameras (the key needs the cameras scope): each one's state, rates and its last analysed frame, refreshed every 2 s.
let cameraTimer = null;
const shownUrls = new Map();

function showBlob(img, blob) {
  const old = shownUrls.get(img);
  if (old) URL.revokeObjectURL(old);
  const url = URL.createObjectURL(blob);
  shownUrls.set(img, url);
  img.src = url;
}

async function refreshCameras() {
  const box = $("cameras");
  if (!keyInput.value) { box.replaceChildren(); return; }
  let cameras;
  try { cameras = await api("/v1/cameras"); } catch (e) {
    box.textContent = e.message.startsWith("403") ? "This key has no cameras scope." : e.message;
    return;
  }
  const names = new Set(cameras.map((c) => c.name));
  for (const card of [...box.querySelectorAll(".camera")]) if (!names.has(card.dataset.camera)) card.remove();
  for (const c of cameras) {
    let card = box.querySelector(`.camera[data-camera="${CSS.escape(c.name)}"]`);
    if (!card) {
      card = document.createElement("div");
      card.className = "camera";
      card.dataset.camera = c.name;
      const title = document.createElement("strong");
      title.textContent = c.name;
      const state = document.createElement("span");
      state.className = "state";
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "Remove";
      remove.onclick = () => removeCamera(c.name).catch((e) => status(e.message, true));
      const source = document.createElement("div");
      source.className = "source";
      const rates = document.createElement("div");
      rates.className = "rates";
      const frame = document.createElement("img");
      frame.alt = `recent frame of ${c.name}`;
      card.append(title, " ", state, " ", remove, source, rates, frame);
      box.append(card);
    }
    const s = c.status;
    const state = card.querySelector(".state");
    state.textContent = s.state;
    state.className = `state ${s.state}`;
    card.querySelector(".source").textContent = c.source;
    card.querySelector(".rates").textContent = `${s.analysedPerSecond} analysed/s · ${s.dropped} dropped · ${s.analysed} analysed`
      + (s.lastFrameUtc ? ` · last frame ${new Date(s.lastFrameUtc).toLocaleTimeString()}` : "") + (s.state === "connected" ? "" : ` · ${s.message}`);
    if (s.analysed > 0) {
      try { showBlob(card.querySelector("img"), await api(`/v1/cameras/${encodeURIComponent(c.name)}/frame`)); } catch { /* not running now */ }
    }
  }
}

async function removeCamera(name) {
  if (!confirm(`Stop and remove camera ${name} with its snapshots?`)) return;
  await api(`/v1/cameras/${encodeURIComponent(name)}`, { method: "DELETE" });
  status(`Removed camera ${name}.`);
  await refreshCameras();
}

$("camera-form").onsubmit = async (e) => {
  e.preventDefault();
  const body = { name: $("camera-name").value.trim(), url: $("camera-url").value.trim(), fps: Number($("camera-fps").value), collectUnknown: $("camera-collect").checked };
  try {
    await api("/v1/cameras", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    status(`Added camera ${body.name}.`);
    $("camera-url").value = "";
    await refreshCameras();
  } catch (err) { status(err.message, true); }
};

// Live events: /v1/events read with fetch (an EventSource cannot send the key), newest first, with best-face thumbnails.
let eventsAbort = null;
let lastEventId = null;

async function followEvents() {
  eventsAbort?.abort();
  const abort = eventsAbort = new AbortController();
  while (!abort.signal.aborted && keyInput.value) {
    try {
      const headers = { "X-Api-Key": keyInput.value, ...(lastEventId ? { "Last-Event-ID": lastEventId } : {}) };
      const response = await fetch("/v1/events", { headers, signal: abort.signal });
      if (response.status === 403) { $("events-state").textContent = "This key has no cameras scope."; return; }
      if (!response.ok) throw new Error(`${response.status}`);
      $("events-state").textContent = "Following.";
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
          if (data) await showEvent(JSON.parse(data));
        }
      }
    } catch (err) {
      if (abort.signal.aborted) return;
      $("events-state").textContent = `Reconnecting (${err.message}).`;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

async function showEvent(e) {
  lastEventId = e.id;
  const item = document.createElement("li");
  item.className = e.kind.replace(".", "-");
  item.dataset.kind = e.kind;
  if (e.subject) item.dataset.subject = e.subject;
  if (e.snapshot) {
    const img = document.createElement("img");
    img.alt = `best face of track ${e.track}`;
    try { showBlob(img, await api(e.snapshot)); item.append(img); } catch { /* erased or expired */ }
  }
  const text = document.createElement("span");
  const who = e.subject ?? (e.visitor ? `unknown ${e.visitor}` : "unnamed");
  text.textContent = `${new Date(e.timeUtc).toLocaleTimeString()} · ${e.camera} · ${e.kind} · ${who}`
    + (e.score != null ? ` ${e.score.toFixed(2)}` : "") + (e.group != null ? ` · kept as group ${e.group}` : "");
  item.append(text);
  const list = $("events");
  list.prepend(item);
  while (list.children.length > 50) {
    const gone = list.lastElementChild;
    const img = gone.querySelector("img");
    if (img) { URL.revokeObjectURL(shownUrls.get(img)); shownUrls.delete(img); }
    gone.remove();
  }
  if (e.group != null) await refreshGroups();   // a visitor's face was kept: there is someone new to name
}

// A video file as a job: uploaded as the request body, polled until it ends, then its tracks listed.
$("video-form").onsubmit = async (e) => {
  e.preventDefault();
  const file = $("video-file").files[0];
  const body = $("video-tracks").querySelector("tbody");
  body.replaceChildren();
  try {
    let job = await api("/v1/videos", { method: "POST", headers: { "Content-Type": file.type || "application/octet-stream" }, body: file });
    while (job.state === "queued" || job.state === "running") {
      $("video-state").textContent = `${job.state} · ${Math.round(job.progress * 100)}%`;
      await new Promise((r) => setTimeout(r, 1000));
      job = await api(`/v1/videos/${job.id}`);
    }
    const sum = job.summary;
    $("video-state").textContent = `${job.state}${job.message ? ` (${job.message})` : ""} · ${sum.tracks} track(s) · `
      + `${sum.subjects.length ? sum.subjects.join(", ") : "no one enrolled"}${sum.visitors.length ? ` · ${sum.visitors.length} visitor(s)` : ""}`;
    for (const t of await api(`/v1/videos/${job.id}/tracks`)) {
      const row = document.createElement("tr");
      for (const value of [t.track, t.person ? (t.visitor ? `unknown ${t.person}` : t.person) : "unnamed", t.similarity?.toFixed(3) ?? "", `${t.firstSeen.toFixed(1)}-${t.lastSeen.toFixed(1)}`]) {
        const cell = document.createElement("td");
        cell.textContent = value;
        row.append(cell);
      }
      body.append(row);
    }
    status(`Analysed ${file.name}.`);
  } catch (err) { status(err.message, true); }
};

async function refreshAll() {
  await refreshSubjects();
  await refreshGroups();
  await refreshCameras();
  followEvents();
  clearInterval(cameraTimer);
  cameraTimer = setInterval(() => refreshCameras().catch(() => {}), 2000);
}

async function nameGroup(id, name) {
  const subject = await api(`/v1/groups/${id}/name`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }),
  });
  status(`Named ${subject.name} (${subject.faceCount} face(s)).`);
  await refreshAll();
}

async function splitFace(id, face) {
  await api(`/v1/groups/${id}/faces/${face}/split`, { method: "POST" });
  status("Moved the face to a group of its own.");
  await refreshGroups();
}

async function deleteGroup(id) {
  if (!confirm("Erase this group and every face in it?")) return;
  await api(`/v1/groups/${id}`, { method: "DELETE" });
  status("Erased the group.");
  await refreshGroups();
}

$("merge-button").onclick = async () => {
  const picked = [...document.querySelectorAll(".group")].filter((c) => c.querySelector("input[type=checkbox]").checked).map((c) => c.dataset.group);
  if (picked.length < 2) { status("Select two or more groups to merge.", true); return; }
  try {
    for (const other of picked.slice(1)) {
      await api(`/v1/groups/${picked[0]}/merge`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ group: Number(other) }),
      });
    }
    status(`Merged ${picked.length} groups.`);
    await refreshGroups();
  } catch (err) { status(err.message, true); }
};

$("collect-form").onsubmit = async (e) => {
  e.preventDefault();
  const form = new FormData();
  for (const file of $("collect-photos").files) form.append("image", file);
  try {
    const photos = await api("/v1/groups/faces", { method: "POST", body: form });
    const faces = photos.reduce((n, p) => n + p.faces.filter((f) => f.group !== undefined).length, 0);
    const failed = photos.filter((p) => p.error).map((p) => p.error);
    status(`Added ${faces} face(s).${failed.length ? ` Not read: ${failed.join("; ")}` : ""}`, failed.length > 0);
    await refreshGroups();
  } catch (err) { status(err.message, true); }
};

$("key-form").onsubmit = async (e) => {
  e.preventDefault();
  sessionStorage.setItem("arcface-key", keyInput.value);
  try { await refreshAll(); status("Key accepted."); } catch (err) { status(err.message, true); }
};

$("enroll-form").onsubmit = async (e) => {
  e.preventDefault();
  const name = $("enroll-name").value.trim();
  const form = new FormData();
  for (const file of $("enroll-photos").files) form.append("image", file);
  try {
    const faces = await api(`/v1/subjects/${encodeURIComponent(name)}/faces?largest=true`, { method: "POST", body: form });
    status(`Enrolled ${faces.length} face(s) for ${name}.`);
    await refreshSubjects();
  } catch (err) { status(err.message, true); }
};

$("search-form").onsubmit = async (e) => {
  e.preventDefault();
  const file = $("search-photo").files[0];
  const form = new FormData();
  form.append("image", file);
  try {
    const collect = $("search-collect").checked ? "&collect=true" : "";
    const result = await api(`/v1/recognize?k=3${collect}`, { method: "POST", body: form });
    await drawResult(file, result);
    status(`${result.faces.length} face(s) found.`);
    if (collect) await refreshGroups();
  } catch (err) { status(err.message, true); }
};

async function drawResult(file, result) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const canvas = $("result-canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const g = canvas.getContext("2d");
  g.drawImage(bitmap, 0, 0);
  const stroke = Math.max(2, Math.max(bitmap.width, bitmap.height) / 300);
  g.lineWidth = stroke;
  g.font = `${Math.max(12, stroke * 7)}px sans-serif`;
  const list = $("results");
  list.replaceChildren();
  for (const face of result.faces) {
    const best = face.matches[0];
    const accepted = best?.accepted ?? false;
    const label = accepted ? `${best.subject} ${best.similarity.toFixed(2)}` : `unknown${best ? ` (${best.subject} ${best.similarity.toFixed(2)})` : ""}`;
    g.strokeStyle = g.fillStyle = accepted ? "#2ecc71" : "#e74c3c";
    g.strokeRect(face.face.box.x, face.face.box.y, face.face.box.width, face.face.box.height);
    g.fillText(label, face.face.box.x, Math.max(12, face.face.box.y - 4));
    const item = document.createElement("li");
    item.className = accepted ? "accepted" : "rejected";
    item.textContent = face.matches.map((m) => `${m.subject} ${m.similarity.toFixed(3)}${m.accepted ? " ✓" : ""}`).join(", ") || "gallery empty";
    list.append(item);
  }
}

health().catch(() => { $("health").textContent = "server unreachable"; });
if (keyInput.value) refreshAll().catch((e) => status(e.message, true));
