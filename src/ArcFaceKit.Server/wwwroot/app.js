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

async function refreshAll() {
  await refreshSubjects();
  await refreshGroups();
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
