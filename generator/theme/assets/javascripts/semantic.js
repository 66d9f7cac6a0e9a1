/* Daily Papers search by meaning: generator/search/semantic's twin, in JavaScript.
 *
 * generator/search/semantic/tokenizer.py, model.py (QueryModel) and rank.py are the specification:
 * BERT's uncased WordPiece, the query encoder's forward pass over the weights in the index's
 * semantic/model-*.bin, the integer ranking of the papers' vectors and the fusion with the
 * lexical ranking, function for function and in the same order of operations, so both sides
 * rank every query alike (tests/test_semantic.py runs both under Node and requires the same
 * token ids, query vectors and rankings).
 *
 * No DOM: a classic <script> (window.PapersSemantic) and a Node module (module.exports).
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.PapersSemantic = factory();
})(typeof globalThis !== "undefined" ? globalThis : this, () => {
  "use strict";

  const MAX_WORD = 100;

  // --- tokenizer.py -------------------------------------------------------------------------
  const CONTROL = /^\p{C}$/u;
  const SPACE = /^[\p{Zs}\p{Zl}\p{Zp}]$/u;
  const PUNCT = /^\p{P}$/u;
  const MARK = /\p{Mn}/gu;
  const isControl = (ch) => ch !== "\t" && ch !== "\n" && ch !== "\r" && CONTROL.test(ch);
  const isSpace = (ch) => ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || SPACE.test(ch);
  function isPunct(ch) {
    const cp = ch.codePointAt(0);
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
    return PUNCT.test(ch);
  }
  function isCjk(cp) {
    return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df)
      || (cp >= 0x2a700 && cp <= 0x2b73f) || (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b820 && cp <= 0x2ceaf)
      || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f);
  }
  function normalize(text) {
    let out = "";
    for (const ch of text) {
      if (ch === "\0" || ch === "\ufffd" || isControl(ch)) continue;
      if (isSpace(ch)) out += " ";
      else if (isCjk(ch.codePointAt(0))) out += ` ${ch} `;
      else out += ch;
    }
    return out.normalize("NFD").replace(MARK, "").toLowerCase();
  }
  function words(text) {
    const out = [];
    let current = "";
    for (const ch of normalize(text)) {
      if (ch === " " || isPunct(ch)) {
        if (current) { out.push(current); current = ""; }
        if (ch !== " ") out.push(ch);
      } else current += ch;
    }
    if (current) out.push(current);
    return out;
  }
  function pieces(word, vocab, unk) {
    const chars = Array.from(word);
    if (chars.length > MAX_WORD) return [unk];
    const ids = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found = null;
      while (start < end) {
        const piece = (start ? "##" : "") + chars.slice(start, end).join("");
        if (vocab.has(piece)) { found = vocab.get(piece); break; }
        end -= 1;
      }
      if (found === null) return [unk];
      ids.push(found);
      start = end;
    }
    return ids;
  }
  function encodeTokens(text, vocab, special, limit) {
    const ids = words(text).flatMap((w) => pieces(w, vocab, special["[UNK]"]));
    return [special["[CLS]"], ...ids.slice(0, Math.max(limit - 2, 0)), special["[SEP]"]];
  }

  // --- model.py -----------------------------------------------------------------------------
  function unpack4(bytes, count) {
    const out = new Int8Array(count);
    for (let i = 0; i < count; i++) {
      const nibble = (bytes[i >> 1] >> ((i & 1) * 4)) & 0x0f;
      out[i] = nibble > 7 ? nibble - 16 : nibble;
    }
    return out;
  }
  /** The query encoder from its file's bytes (an ArrayBuffer). */
  function readModel(buffer) {
    const bytes = new Uint8Array(buffer);
    if (String.fromCharCode(...bytes.slice(0, 4)) !== "DPSM") throw new Error("not a query encoder file");
    const size = new DataView(buffer).getUint32(4, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + size)));
    const start = 8 + size;
    const tensors = new Map();
    for (const e of header.tensors) {
      const count = e.shape.reduce((a, b) => a * b, 1);
      const at = start + e.offset;
      let array;
      if (e.dtype === "int4") array = unpack4(bytes.subarray(at, at + ((count + 1) >> 1)), count);
      else if (e.dtype === "int8") array = new Int8Array(buffer, at, count);
      else if (e.dtype === "float32") array = new Float32Array(buffer, at, count);
      else throw new Error(`unknown tensor type ${e.dtype}`);
      tensors.set(e.name, { array, shape: e.shape });
    }
    const vocab = new Map(header.vocab.map((t, i) => [t, i]));
    return new QueryModel(header, tensors, vocab);
  }

  class QueryModel {
    constructor(header, tensors, vocab) {
      this.header = header;
      this.tensors = tensors;
      this.vocab = vocab;
    }
    t(name) { return this.tensors.get(name).array; }
    tokens(text) {
      const special = {};
      for (const name of ["[CLS]", "[SEP]", "[UNK]"]) special[name] = this.vocab.get(name);
      return encodeTokens(text, this.vocab, special, this.header.maxTokens);
    }
    /** The query's integer vector (an Int32Array), all zeros for a text with no pieces. */
    encode(text) {
      const dims = this.header.dims;
      const ids = this.tokens(text);
      if (ids.length <= 2) return new Int32Array(dims);
      let x = this.embed(ids);
      for (let layer = 0; layer < this.header.layers; layer++) x = this.layer(x, String(layer));
      const pooled = new Float64Array(dims);
      for (const row of x) for (let j = 0; j < dims; j++) pooled[j] += row[j];
      for (let j = 0; j < dims; j++) pooled[j] /= x.length;
      let dot = 0;
      for (let j = 0; j < dims; j++) dot += pooled[j] * pooled[j];
      const norm = Math.max(Math.sqrt(dot), 1e-12);
      const out = new Int32Array(dims);
      for (let j = 0; j < dims; j++) out[j] = Math.floor((pooled[j] / norm) * this.header.queryScale + 0.5);
      return out;
    }
    /** x W^T * scale + bias, for W int8 (out x in) with a scale per output row. */
    dense(x, name) {
      const { array: w, shape: [outDims, inDims] } = this.tensors.get(name);
      const scale = this.t(`${name}.scale`);
      const bias = this.t(`${name}.bias`);
      return x.map((row) => {
        const y = new Float64Array(outDims);
        for (let o = 0; o < outDims; o++) {
          let s = 0;
          const base = o * inDims;
          for (let i = 0; i < inDims; i++) s += row[i] * w[base + i];
          y[o] = s * scale[o] + bias[o];
        }
        return y;
      });
    }
    embed(ids) {
      const dims = this.header.dims;
      const word = this.t("word");
      const wordScale = this.t("word.scale");
      const position = this.t("position");
      const type = this.t("type");
      const x = ids.map((id, p) => {
        const row = new Float64Array(dims);
        for (let j = 0; j < dims; j++) row[j] = word[id * dims + j] * wordScale[id] + position[p * dims + j] + type[j];
        return row;
      });
      return this.norm(x, "ln");
    }
    layer(x, p) {
      const n = x.length;
      const dims = this.header.dims;
      const heads = this.header.heads;
      const size = dims / heads;
      const q = this.dense(x, `${p}.q`);
      const k = this.dense(x, `${p}.k`);
      const v = this.dense(x, `${p}.v`);
      const attended = x.map(() => new Float64Array(dims));
      const root = Math.sqrt(size);
      for (let h = 0; h < heads; h++) {
        const off = h * size;
        for (let i = 0; i < n; i++) {
          const scores = new Float64Array(n);
          let max = -Infinity;
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let d = 0; d < size; d++) s += q[i][off + d] * k[j][off + d];
            scores[j] = s / root;
            if (scores[j] > max) max = scores[j];
          }
          let sum = 0;
          for (let j = 0; j < n; j++) { scores[j] = Math.exp(scores[j] - max); sum += scores[j]; }
          for (let j = 0; j < n; j++) scores[j] /= sum;
          for (let d = 0; d < size; d++) {
            let s = 0;
            for (let j = 0; j < n; j++) s += scores[j] * v[j][off + d];
            attended[i][off + d] = s;
          }
        }
      }
      const o = this.dense(attended, `${p}.o`);
      let y = this.norm(x.map((row, i) => row.map((value, j) => value + o[i][j])), `${p}.ln1`);
      const up = this.dense(y, `${p}.up`);
      const c = Math.sqrt(2 / Math.PI);
      const inner = up.map((row) => row.map((u) => 0.5 * u * (1 + Math.tanh(c * (u + 0.044715 * (u * u * u))))));
      const down = this.dense(inner, `${p}.down`);
      y = this.norm(y.map((row, i) => row.map((value, j) => value + down[i][j])), `${p}.ln2`);
      return y;
    }
    norm(x, p) {
      const weight = this.t(`${p}.weight`);
      const bias = this.t(`${p}.bias`);
      const eps = this.header.eps;
      return x.map((row) => {
        const dims = row.length;
        let mean = 0;
        for (let j = 0; j < dims; j++) mean += row[j];
        mean /= dims;
        let variance = 0;
        for (let j = 0; j < dims; j++) variance += (row[j] - mean) * (row[j] - mean);
        variance /= dims;
        const root = Math.sqrt(variance + eps);
        const out = new Float64Array(dims);
        for (let j = 0; j < dims; j++) out[j] = ((row[j] - mean) / root) * weight[j] + bias[j];
        return out;
      });
    }
  }

  // --- rank.py ----------------------------------------------------------------------------------
  /** The papers' vectors (Int8Array, rows x dims) and each row's document number. */
  function readVectors(meta, chunks, rowsBuffer) {
    const dims = meta.dims;
    const total = meta.chunks.reduce((n, [, count]) => n + count, 0);
    const docs = new Int8Array(total * dims);
    let at = 0;
    meta.chunks.forEach(([, count], i) => {
      docs.set(unpack4(new Uint8Array(chunks[i]), count * dims), at);
      at += count * dims;
    });
    return { docs, rows: new Int32Array(rowsBuffer.slice(0)), dims, fusion: meta.fusion };
  }
  /** The fusion's depth of documents nearest the query vector, nearest first (rank.py
   * Semantic.rank); vectors from readVectors. */
  function rank(vectors, query, accepts = null) {
    const depth = vectors.fusion.depth;
    if (!query.some((v) => v !== 0)) return [];
    const { docs, rows, dims } = vectors;
    const n = rows.length;
    const scores = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      let s = 0;
      const base = r * dims;
      for (let j = 0; j < dims; j++) s += query[j] * docs[base + j];
      scores[r] = s;
    }
    const order = Array.from({ length: n }, (_, r) => r);
    order.sort((a, b) => scores[b] - scores[a] || rows[a] - rows[b]);
    const out = [];
    for (const r of order) {
      if (accepts === null || accepts(rows[r])) {
        out.push(rows[r]);
        if (out.length === depth) break;
      }
    }
    return out;
  }
  /** The final ranking (rank.py fuse): the first `every` lexical results matched every clause
   * (the lexical ranking puts them first); fusion: meta.json's constants. */
  function fuse(lexical, every, semantic, fusion) {
    const protectedDocs = lexical.slice(0, every);
    const kept = new Set(protectedDocs);
    const score = new Map();
    const { depth, k, weights } = fusion;
    [lexical.slice(0, depth), semantic.slice(0, depth)].forEach((ranking, side) => {
      ranking.forEach((doc, r) => {
        if (!kept.has(doc)) score.set(doc, (score.has(doc) ? score.get(doc) : 0.0) + weights[side] / (k + r));
      });
    });
    const fused = [...score.keys()].sort((a, b) => score.get(b) - score.get(a) || a - b);
    const seen = new Set([...kept, ...fused]);
    return [...protectedDocs, ...fused, ...lexical.filter((d) => !seen.has(d))];
  }

  return { normalize, words, pieces, encodeTokens, unpack4, readModel, QueryModel, readVectors, rank, fuse };
});

/* As a Web Worker (search.js starts one on the first search): the download and every query's
 * encoding and ranking run here, off the page's thread, so typing never waits for them.
 * Messages in: {type: "load", model, chunks, rows (URLs), meta} and {type: "rank", id, text,
 * accepts (a Uint8Array over document numbers, or null)}; out: {type: "progress", loaded},
 * {type: "ready"}, {type: "error", message} and {type: "ranked", id, nearest}. */
if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope) {
  (() => {
    "use strict";
    const S = self.PapersSemantic;
    let state = null;
    let loaded = 0;
    async function bytes(url) {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      const buffer = await response.arrayBuffer();
      loaded += buffer.byteLength;
      self.postMessage({ type: "progress", loaded });
      return buffer;
    }
    async function load({ model, chunks, rows, meta }) {
      const [m, c, r] = await Promise.all([bytes(model), Promise.all(chunks.map(bytes)), bytes(rows)]);
      state = { model: S.readModel(m), vectors: S.readVectors(meta, c, r) };
      self.postMessage({ type: "ready" });
    }
    self.onmessage = ({ data }) => {
      if (data.type === "load") {
        load(data).catch((error) => self.postMessage({ type: "error", message: error.message }));
      } else if (data.type === "rank") {
        const accepts = data.accepts ? (d) => data.accepts[d] === 1 : null;
        const nearest = S.rank(state.vectors, state.model.encode(data.text), accepts);
        self.postMessage({ type: "ranked", id: data.id, nearest });
      }
    };
  })();
}
