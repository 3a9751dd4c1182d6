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

$("key-form").onsubmit = async (e) => {
  e.preventDefault();
  sessionStorage.setItem("arcface-key", keyInput.value);
  try { await refreshSubjects(); status("Key accepted."); } catch (err) { status(err.message, true); }
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
    const result = await api("/v1/recognize?k=3", { method: "POST", body: form });
    await drawResult(file, result);
    status(`${result.faces.length} face(s) found.`);
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
if (keyInput.value) refreshSubjects().catch((e) => status(e.message, true));
