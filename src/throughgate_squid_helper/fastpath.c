/* Throughgate Squid helper: the compiled hot path (see docs/adr/0009-compiled-helper-hot-path.md).
 *
 * Plain C, no Python headers: `throughgate access squid-conf` compiles it next to the helper with
 * `cc -O2 -shared -fPIC` and squid_helper.py loads it with ctypes. It answers a block of Squid request lines
 * ("channel client-IP method URL", one per line) into an output buffer, exactly as the helper's Python batch path
 * does (Helper._answer_batch), and counts the decisions in rows Python reads back. It stops, and tells Python,
 * at any line it does not answer itself: an unusual shape, a client address it has no answer for in this second
 * (Python works it out from the policy and hands it over), or a text it cannot build. Python answers that line
 * and calls again from the next one, so the lines are answered and counted in their order.
 *
 * Every read is bounds-checked against the block's length; lines longer than MAX_LINE, and every field
 * longer than the limits below, go to Python.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TG_VERSION 2
#define MAX_LINE 16384
#define MAX_URL 8192
#define MAX_HOST 253
#define MAX_IP 64
#define MAX_TEXT 300 /* quote() keeps 300 characters; a longer text (in bytes) goes to Python */
#define MAX_FIELD 4096
#define HOSTS_PER_ROW 20
#define MAX_CATEGORIES 62
#define ROWS_PER_BLOCK 128

enum { TG_DONE = 0, TG_SLOW = 1, TG_GATE = 2, TG_FULL = 3, TG_ANSWERED = 4 };
enum { GATE_SLOW = 0, GATE_REFUSED = 1, GATE_PERSON = 2 };

static uint64_t hash_bytes(const unsigned char *p, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 31);
}

/* --- the catalogue: domain -> the rule for the domain itself and the rule for its subdomains ------------------ */

typedef struct {
    int64_t risk;
    uint64_t groups; /* bit per group; 0: the site is for everyone */
    int32_t cat;     /* category id; -1: no rule */
    int32_t slow;    /* something about it only Python can answer */
    uint32_t name, name_len, group, group_len; /* the site's name and first group, quoted, in texts */
} rule_t;

typedef struct {
    uint64_t hash;
    uint32_t key, key_len;
    int32_t prefixed; /* has a path-prefixed rule: Python */
    rule_t own, sub;
} centry_t;

typedef struct {
    int32_t entry; /* -1: empty */
    uint32_t hash; /* part of the entry's hash: most misses end here, without reading the entry */
} slot_t;

typedef struct tg_catalogue {
    unsigned char *keys, *texts;
    int64_t keys_len, texts_len;
    centry_t *entries;
    int64_t n;
    slot_t *slots;
    uint64_t mask;
    unsigned char depth[256]; /* depth[k]: some catalogue domain has k labels */
    int64_t lowest;
} tg_catalogue;

#define RULE_FIELDS 8
#define ENTRY_FIELDS (1 + 2 * RULE_FIELDS)

void tg_catalogue_free(tg_catalogue *c) {
    if (!c) return;
    free(c->keys);
    free(c->texts);
    free(c->entries);
    free(c->slots);
    free(c);
}

static int read_rule(rule_t *r, const int64_t *f, int64_t texts_len) {
    r->cat = (int32_t)f[0];
    r->slow = f[1] != 0;
    r->risk = f[2];
    r->groups = (uint64_t)f[3];
    if (f[0] < -1 || f[0] >= MAX_CATEGORIES) return -1;
    if (f[4] < 0 || f[5] < 0 || f[6] < 0 || f[7] < 0 || f[4] + f[5] > texts_len || f[6] + f[7] > texts_len) return -1;
    r->name = (uint32_t)f[4];
    r->name_len = (uint32_t)f[5];
    r->group = (uint32_t)f[6];
    r->group_len = (uint32_t)f[7];
    return 0;
}

/* keys: the domains back to back; ends[i]: where domain i ends; fields: ENTRY_FIELDS per domain (prefixed, then
 * for its own rule and its subdomains' rule: category id or -1, slow, risk, groups, name offset and length, first
 * group offset and length); depths: the label counts of the catalogue's domains; lowest: the smallest. */
tg_catalogue *tg_catalogue_new(int64_t n, const unsigned char *keys, int64_t keys_len, const int64_t *ends,
                               const int64_t *fields, const unsigned char *texts, int64_t texts_len,
                               const int64_t *depths, int64_t ndepths, int64_t lowest) {
    if (n < 0 || n > 100000000 || keys_len < 0 || texts_len < 0 || ndepths < 0) return NULL;
    tg_catalogue *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    uint64_t size = 16;
    while (size < (uint64_t)n * 2) size *= 2;
    c->keys = malloc(keys_len ? (size_t)keys_len : 1);
    c->texts = malloc(texts_len ? (size_t)texts_len : 1);
    c->entries = calloc(n ? (size_t)n : 1, sizeof *c->entries);
    c->slots = malloc(size * sizeof *c->slots);
    if (!c->keys || !c->texts || !c->entries || !c->slots) goto fail;
    memcpy(c->keys, keys, (size_t)keys_len);
    memcpy(c->texts, texts, (size_t)texts_len);
    c->keys_len = keys_len;
    c->texts_len = texts_len;
    c->mask = size - 1;
    for (uint64_t i = 0; i < size; i++) c->slots[i].entry = -1;
    int64_t start = 0;
    for (int64_t i = 0; i < n; i++) {
        centry_t *e = &c->entries[i];
        const int64_t *f = fields + i * ENTRY_FIELDS;
        if (ends[i] < start || ends[i] > keys_len) goto fail;
        e->key = (uint32_t)start;
        e->key_len = (uint32_t)(ends[i] - start);
        start = ends[i];
        e->prefixed = f[0] != 0;
        if (read_rule(&e->own, f + 1, texts_len) || read_rule(&e->sub, f + 1 + RULE_FIELDS, texts_len)) goto fail;
        e->hash = hash_bytes(c->keys + e->key, e->key_len);
        uint64_t j = e->hash & c->mask;
        while (c->slots[j].entry >= 0) j = (j + 1) & c->mask;
        c->slots[j].entry = (int32_t)i;
        c->slots[j].hash = (uint32_t)(e->hash >> 32);
    }
    c->n = n;
    for (int64_t i = 0; i < ndepths; i++)
        if (depths[i] >= 0 && depths[i] < 256) c->depth[depths[i]] = 1;
    c->lowest = lowest;
    return c;
fail:
    tg_catalogue_free(c);
    return NULL;
}

static const centry_t *lookup(const tg_catalogue *c, const unsigned char *p, size_t n) {
    uint64_t h = hash_bytes(p, n);
    for (uint64_t i = h & c->mask;; i = (i + 1) & c->mask) {
        int32_t k = c->slots[i].entry;
        if (k < 0) return NULL;
        if (c->slots[i].hash != (uint32_t)(h >> 32)) continue;
        const centry_t *e = &c->entries[k];
        if (e->hash == h && e->key_len == n && memcmp(c->keys + e->key, p, n) == 0) return e;
    }
}

/* --- the helper's state: client gates for this second, category texts, decision counts ------------------------ */

typedef struct {
    uint64_t gen, hash;
    int32_t used, kind;
    uint32_t ip_len, refused_len, person_len, level_len;
    unsigned char ip[MAX_IP];
    unsigned char *text; /* refused reply | person | level */
    int64_t refused_row, outside, max_risk, base;
    uint64_t cats, groups;
} gate_t;

typedef struct {
    int32_t count;
    uint32_t len[HOSTS_PER_ROW];
    uint64_t hash[HOSTS_PER_ROW]; /* compared before the bytes, which are scattered in the arena */
    int64_t off[HOSTS_PER_ROW], hits[HOSTS_PER_ROW];
} hostset_t;

typedef struct tg_ctx {
    gate_t *gates;
    uint64_t gates_mask, gates_used;
    unsigned char *not_listed;
    int64_t not_listed_len;
    unsigned char *cat_raw[MAX_CATEGORIES], *cat_words[MAX_CATEGORIES];
    int64_t cat_raw_len[MAX_CATEGORIES], cat_words_len[MAX_CATEGORIES];
    /* rows: ROWS_PER_BLOCK per (person, establishment, hour); row base + 2 * category + allowed */
    int64_t rows, *n, *outside, *touched, ntouched;
    int32_t *hostset;
    unsigned char *seen;
    hostset_t *sets;
    int64_t nsets, sets_cap;
    unsigned char *arena;
    int64_t arena_len, arena_cap;
} tg_ctx;

int64_t tg_version(void) { return TG_VERSION; }

void tg_free(tg_ctx *c) {
    if (!c) return;
    if (c->gates)
        for (uint64_t i = 0; i <= c->gates_mask; i++) free(c->gates[i].text);
    free(c->gates);
    free(c->not_listed);
    for (int i = 0; i < MAX_CATEGORIES; i++) {
        free(c->cat_raw[i]);
        free(c->cat_words[i]);
    }
    free(c->n);
    free(c->outside);
    free(c->touched);
    free(c->hostset);
    free(c->seen);
    free(c->sets);
    free(c->arena);
    free(c);
}

static unsigned char *copy(const unsigned char *p, int64_t n) {
    unsigned char *q = malloc(n ? (size_t)n : 1);
    if (q && n) memcpy(q, p, (size_t)n);
    return q;
}

tg_ctx *tg_new(const unsigned char *not_listed, int64_t len) {
    if (len < 0 || len > MAX_FIELD) return NULL;
    tg_ctx *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->gates_mask = 1023;
    c->gates = calloc(c->gates_mask + 1, sizeof *c->gates);
    c->not_listed = copy(not_listed, len);
    c->not_listed_len = len;
    if (!c->gates || !c->not_listed) {
        tg_free(c);
        return NULL;
    }
    return c;
}

int64_t tg_category(tg_ctx *c, int64_t id, const unsigned char *raw, int64_t raw_len, const unsigned char *words,
                    int64_t words_len) {
    if (id < 0 || id >= MAX_CATEGORIES || raw_len < 0 || raw_len > MAX_FIELD || words_len < 0 ||
        words_len > MAX_FIELD)
        return -1;
    unsigned char *r = copy(raw, raw_len), *w = copy(words, words_len);
    if (!r || !w) {
        free(r);
        free(w);
        return -1;
    }
    free(c->cat_raw[id]);
    free(c->cat_words[id]);
    c->cat_raw[id] = r;
    c->cat_words[id] = w;
    c->cat_raw_len[id] = raw_len;
    c->cat_words_len[id] = words_len;
    return 0;
}

/* Make room for `rows` count rows (all zero). */
int64_t tg_reserve(tg_ctx *c, int64_t rows) {
    if (rows <= c->rows) return 0;
    if (rows > 100000000) return -1;
    int64_t want = c->rows ? c->rows : 1024;
    while (want < rows) want *= 2;
    int64_t *n = realloc(c->n, (size_t)want * sizeof *n);
    if (!n) return -1;
    c->n = n;
    int64_t *o = realloc(c->outside, (size_t)want * sizeof *o);
    if (!o) return -1;
    c->outside = o;
    int64_t *t = realloc(c->touched, (size_t)want * sizeof *t);
    if (!t) return -1;
    c->touched = t;
    int32_t *h = realloc(c->hostset, (size_t)want * sizeof *h);
    if (!h) return -1;
    c->hostset = h;
    unsigned char *s = realloc(c->seen, (size_t)want);
    if (!s) return -1;
    c->seen = s;
    for (int64_t i = c->rows; i < want; i++) {
        n[i] = 0;
        o[i] = 0;
        h[i] = -1;
        s[i] = 0;
    }
    c->rows = want;
    return 0;
}

static void add_host(tg_ctx *c, int64_t row, const unsigned char *host, int64_t len) {
    uint64_t h = hash_bytes(host, (size_t)len);
    int32_t k = c->hostset[row];
    if (k >= 0) {
        hostset_t *s = &c->sets[k];
        for (int32_t i = 0; i < s->count; i++)
            if (s->hash[i] == h && s->len[i] == len && memcmp(c->arena + s->off[i], host, (size_t)len) == 0) {
                s->hits[i]++;
                return;
            }
        if (s->count >= HOSTS_PER_ROW) return;
    }
    /* out of memory below: the host is not listed (the decision is still counted) */
    if (k < 0 && c->nsets == c->sets_cap) {
        int64_t cap = c->sets_cap ? c->sets_cap * 2 : 1024;
        hostset_t *sets = realloc(c->sets, (size_t)cap * sizeof *sets);
        if (!sets) return;
        c->sets = sets;
        c->sets_cap = cap;
    }
    if (c->arena_len + len > c->arena_cap) {
        int64_t cap = c->arena_cap ? c->arena_cap : 65536;
        while (cap < c->arena_len + len) cap *= 2;
        unsigned char *a = realloc(c->arena, (size_t)cap);
        if (!a) return;
        c->arena = a;
        c->arena_cap = cap;
    }
    if (k < 0) {
        k = c->hostset[row] = (int32_t)c->nsets++;
        c->sets[k].count = 0;
    }
    hostset_t *s = &c->sets[k];
    memcpy(c->arena + c->arena_len, host, (size_t)len);
    s->off[s->count] = c->arena_len;
    s->len[s->count] = (uint32_t)len;
    s->hash[s->count] = h;
    s->hits[s->count] = 1;
    s->count++;
    c->arena_len += len;
}

static void count(tg_ctx *c, int64_t row, int64_t outside, const unsigned char *host, int64_t host_len) {
    if (!c->seen[row]) {
        c->seen[row] = 1;
        c->touched[c->ntouched++] = row;
    }
    c->n[row]++;
    c->outside[row] += outside;
    if (host) add_host(c, row, host, host_len);
}

/* Count one decision Python made (a line it answered). host: NULL unless a refusal with a host. */
int64_t tg_count(tg_ctx *c, int64_t row, int64_t outside, const unsigned char *host, int64_t host_len) {
    if (row < 0 || row >= c->rows || host_len < 0 || host_len > MAX_LINE) return -1;
    count(c, row, outside, host, host_len);
    return 0;
}

/* What tg_drain will write: sizes[0] numbers, sizes[1] bytes of host names. */
void tg_drain_size(const tg_ctx *c, int64_t *sizes) {
    int64_t numbers = 0, names = 0;
    for (int64_t i = 0; i < c->ntouched; i++) {
        int64_t row = c->touched[i];
        numbers += 4;
        if (c->hostset[row] >= 0) {
            const hostset_t *s = &c->sets[c->hostset[row]];
            numbers += 2 * s->count;
            for (int32_t k = 0; k < s->count; k++) names += s->len[k] + 1;
        }
    }
    sizes[0] = numbers;
    sizes[1] = names;
}

/* Write every counted row into numbers (row, count, outside hours, number of hosts, their name lengths, their
 * counts) and names (each host's name followed by a newline), which hold what tg_drain_size said, and start
 * counting afresh. */
int64_t tg_drain(tg_ctx *c, int64_t *numbers, int64_t numbers_cap, unsigned char *names, int64_t names_cap) {
    int64_t sizes[2];
    tg_drain_size(c, sizes);
    if (numbers_cap < sizes[0] || names_cap < sizes[1]) return -1;
    int64_t *p = numbers;
    unsigned char *q = names;
    for (int64_t i = 0; i < c->ntouched; i++) {
        int64_t row = c->touched[i];
        const hostset_t *s = c->hostset[row] >= 0 ? &c->sets[c->hostset[row]] : NULL;
        int32_t count = s ? s->count : 0;
        *p++ = row;
        *p++ = c->n[row];
        *p++ = c->outside[row];
        *p++ = count;
        for (int32_t k = 0; k < count; k++) *p++ = s->len[k];
        for (int32_t k = 0; k < count; k++) {
            *p++ = s->hits[k];
            memcpy(q, c->arena + s->off[k], s->len[k]);
            q += s->len[k];
            *q++ = '\n';
        }
        c->n[row] = 0;
        c->outside[row] = 0;
        c->hostset[row] = -1;
        c->seen[row] = 0;
    }
    c->ntouched = 0;
    c->nsets = 0;
    c->arena_len = 0;
    return 0;
}

static gate_t *find_gate(tg_ctx *c, const unsigned char *ip, uint32_t len, uint64_t h) {
    for (uint64_t i = h & c->gates_mask;; i = (i + 1) & c->gates_mask) {
        gate_t *g = &c->gates[i];
        if (!g->used) return g;
        if (g->hash == h && g->ip_len == len && memcmp(g->ip, ip, len) == 0) return g;
    }
}

static int grow_gates(tg_ctx *c) {
    uint64_t size = (c->gates_mask + 1) * 2;
    gate_t *fresh = calloc(size, sizeof *fresh);
    if (!fresh) return -1;
    gate_t *old = c->gates;
    uint64_t old_size = c->gates_mask + 1;
    c->gates = fresh;
    c->gates_mask = size - 1;
    for (uint64_t i = 0; i < old_size; i++)
        if (old[i].used) *find_gate(c, old[i].ip, old[i].ip_len, old[i].hash) = old[i];
    free(old);
    return 0;
}

/* Forget every client's gate (Python hands them over again as they are needed). */
void tg_gates_clear(tg_ctx *c) {
    for (uint64_t i = 0; i <= c->gates_mask; i++) free(c->gates[i].text);
    memset(c->gates, 0, (c->gates_mask + 1) * sizeof *c->gates);
    c->gates_used = 0;
}

/* The answer for a client address in generation gen (a second of one snapshot): kind GATE_SLOW (Python answers),
 * GATE_REFUSED (the reply after the channel ID, and the row it is counted in or -1) or GATE_PERSON (the person's
 * prison number, level as quoted, open categories, highest risk, groups, and the first of their count rows). */
int64_t tg_gate(tg_ctx *c, const unsigned char *ip, int64_t ip_len, uint64_t gen, int64_t kind,
                const unsigned char *refused, int64_t refused_len, int64_t refused_row, int64_t outside,
                const unsigned char *person, int64_t person_len, const unsigned char *level, int64_t level_len,
                uint64_t cats, uint64_t groups, int64_t max_risk, int64_t base) {
    if (ip_len < 0 || ip_len > MAX_IP || kind < GATE_SLOW || kind > GATE_PERSON) return -1;
    if (refused_len < 0 || refused_len > MAX_FIELD || person_len < 0 || person_len > MAX_FIELD || level_len < 0 ||
        level_len > MAX_FIELD)
        return -1;
    if (kind == GATE_REFUSED && (refused_row < -1 || refused_row >= c->rows)) return -1;
    if (kind == GATE_PERSON && (base < 0 || base + ROWS_PER_BLOCK > c->rows)) return -1;
    if ((c->gates_used + 1) * 2 > c->gates_mask + 1 && grow_gates(c)) return -1;
    uint64_t h = hash_bytes(ip, (size_t)ip_len);
    gate_t *g = find_gate(c, ip, (uint32_t)ip_len, h);
    unsigned char *text = malloc((size_t)(refused_len + person_len + level_len + 1));
    if (!text) return -1;
    memcpy(text, refused, (size_t)refused_len);
    memcpy(text + refused_len, person, (size_t)person_len);
    memcpy(text + refused_len + person_len, level, (size_t)level_len);
    if (!g->used) {
        c->gates_used++;
        g->used = 1;
        g->hash = h;
        g->ip_len = (uint32_t)ip_len;
        memcpy(g->ip, ip, (size_t)ip_len);
    }
    free(g->text);
    g->text = text;
    g->gen = gen;
    g->kind = (int32_t)kind;
    g->refused_len = (uint32_t)refused_len;
    g->person_len = (uint32_t)person_len;
    g->level_len = (uint32_t)level_len;
    g->refused_row = refused_row;
    g->outside = outside;
    g->cats = cats;
    g->groups = groups;
    g->max_risk = max_risk;
    g->base = base;
    return 0;
}

/* --- answering -------------------------------------------------------------------------------------------------- */

static int is_space(unsigned char b) { return b == ' ' || (b >= 9 && b <= 13); }

/* what a plain host may hold: letters, digits, "." and "-" */
static int host_char(unsigned char b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '.' || b == '-';
}

typedef struct {
    const unsigned char *p;
    int64_t n;
} piece;

/* Write head followed by the pieces at out, if they fit in room. Returns the length or -1. */
static int64_t emit(unsigned char *out, int64_t room, const piece *parts, int count) {
    int64_t need = 0;
    for (int i = 0; i < count; i++) need += parts[i].n;
    if (need > room) return -1;
    unsigned char *p = out;
    for (int i = 0; i < count; i++) {
        memcpy(p, parts[i].p, (size_t)parts[i].n);
        p += parts[i].n;
    }
    return need;
}

#define LIT(s) ((piece){(const unsigned char *)(s), (int64_t)sizeof(s) - 1})

static int one(tg_ctx *c, const tg_catalogue *cat, uint64_t gen, const unsigned char *line, int64_t n,
               unsigned char *out, int64_t room, int64_t *written, int64_t *ip_at) {
    if (n > MAX_LINE) return TG_SLOW;
    const unsigned char *tok[4];
    int64_t len[4];
    int k = 0;
    for (int64_t i = 0;;) {
        while (i < n && is_space(line[i])) i++;
        if (i >= n) break;
        if (k == 4) return TG_SLOW;
        int64_t s = i;
        while (i < n && !is_space(line[i])) i++;
        tok[k] = line + s;
        len[k] = i - s;
        k++;
    }
    if (k != 4) return TG_SLOW;
    if (len[0] > 10) return TG_SLOW;
    for (int64_t i = 0; i < len[0]; i++)
        if (tok[0][i] < '0' || tok[0][i] > '9') return TG_SLOW;
    if (len[1] > MAX_IP || memchr(tok[1], '%', (size_t)len[1])) return TG_SLOW;
    gate_t *g = find_gate(c, tok[1], (uint32_t)len[1], hash_bytes(tok[1], (size_t)len[1]));
    if (!g->used || g->gen != gen) {
        ip_at[0] = tok[1] - line;
        ip_at[1] = ip_at[0] + len[1];
        return TG_GATE;
    }
    if (g->kind == GATE_SLOW) return TG_SLOW;
    piece head = {tok[0], len[0]};
    if (g->kind == GATE_REFUSED) {
        piece parts[2] = {head, {g->text, g->refused_len}};
        int64_t w = emit(out, room, parts, 2);
        if (w < 0) return TG_FULL;
        if (g->refused_row >= 0) count(c, g->refused_row, g->outside, NULL, 0);
        *written = w;
        return TG_ANSWERED;
    }
    /* the host, only from http(s)://host[:port][/...] and, for CONNECT, host:port */
    const unsigned char *method = tok[2], *url = tok[3];
    if (memchr(method, '%', (size_t)len[2]) || len[3] > MAX_URL) return TG_SLOW;
    int tunnel = len[2] == 7;
    for (int i = 0; tunnel && i < 7; i++) tunnel = (method[i] & 0xDF) == (unsigned char)"CONNECT"[i];
    const unsigned char *host;
    int64_t host_len;
    if (tunnel) {
        host = url;
        host_len = len[3];
    } else {
        int64_t skip;
        if (len[3] >= 7 && memcmp(url, "http://", 7) == 0)
            skip = 7;
        else if (len[3] >= 8 && memcmp(url, "https://", 8) == 0)
            skip = 8;
        else
            return TG_SLOW;
        host = url + skip;
        const unsigned char *slash = memchr(host, '/', (size_t)(len[3] - skip));
        host_len = slash ? slash - host : len[3] - skip;
    }
    int plain = 1;
    for (int64_t i = 0; i < host_len && plain; i++) plain = host_char(host[i]);
    if (plain) {
        if (tunnel) return TG_SLOW; /* CONNECT without a port */
    } else {
        const unsigned char *colon = memchr(host, ':', (size_t)host_len);
        if (!colon) return TG_SLOW;
        int64_t port = host_len - (colon - host) - 1;
        if (port == 0 || (port > 5 && !tunnel)) return TG_SLOW;
        for (int64_t i = 1; i <= port; i++)
            if (colon[i] < '0' || colon[i] > '9') return TG_SLOW;
        host_len = colon - host;
        for (int64_t i = 0; i < host_len; i++)
            if (!host_char(host[i])) return TG_SLOW;
    }
    if (host_len == 0 || host_len > MAX_HOST || host[host_len - 1] == '.') return TG_SLOW;
    unsigned char name[MAX_HOST];
    int64_t labels = 1;
    for (int64_t i = 0; i < host_len; i++) {
        unsigned char b = host[i];
        name[i] = (b >= 'A' && b <= 'Z') ? b + 32 : b;
        labels += b == '.';
    }
    /* the most specific catalogue entry: the host itself, then each parent domain with as many labels as some
     * catalogue domain has */
    const rule_t *rule = NULL;
    const centry_t *e = cat->depth[labels] ? lookup(cat, name, (size_t)host_len) : NULL;
    if (e) {
        if (e->prefixed) return TG_SLOW;
        rule = &e->own;
    } else {
        const unsigned char *dot = memchr(name, '.', (size_t)host_len);
        while (labels > cat->lowest && dot) {
            labels--;
            int64_t at = dot + 1 - name;
            if (cat->depth[labels]) {
                e = lookup(cat, dot + 1, (size_t)(host_len - at));
                if (e && (e->prefixed || e->sub.cat >= 0)) {
                    if (e->prefixed) return TG_SLOW;
                    rule = &e->sub;
                    break;
                }
            }
            dot = memchr(dot + 1, '.', (size_t)(host_len - at));
        }
    }
    int64_t w;
    int64_t row;
    if (!rule) {
        piece parts[2] = {head, {c->not_listed, c->not_listed_len}};
        if ((w = emit(out, room, parts, 2)) < 0) return TG_FULL;
        row = g->base;
    } else {
        if (rule->slow || rule->cat < 0) return TG_SLOW;
        int32_t id = rule->cat;
        int open = (g->cats >> id) & 1;
        const unsigned char *person = g->text + g->refused_len, *level = person + g->person_len;
        if (open && rule->risk <= g->max_risk && (rule->groups == 0 || (rule->groups & g->groups))) {
            piece raw = {c->cat_raw[id], c->cat_raw_len[id]};
            piece parts[6] = {head, LIT(" OK"), LIT(" tag="), raw, LIT(" user="), {person, g->person_len}};
            int count_parts = 6;
            if (raw.n == 0) { /* no tag */
                parts[2] = parts[4];
                parts[3] = parts[5];
                count_parts = 4;
            }
            int64_t w1 = emit(out, room, parts, count_parts);
            if (w1 < 0) return TG_FULL;
            piece tail[1] = {LIT(" log=allowed\n")};
            int64_t w2 = emit(out + w1, room - w1, tail, 1);
            if (w2 < 0) return TG_FULL;
            count(c, g->base + 2 * id + 1, 0, NULL, 0);
            *written = w1 + w2;
            return TG_ANSWERED;
        }
        const unsigned char *texts = cat->texts;
        piece parts[8];
        int np = 0;
        parts[np++] = head;
        parts[np++] = LIT(" ERR message=\"");
        int64_t text = 0;
        if (!open) {
            parts[np++] = LIT("Sites for ");
            parts[np++] = (piece){c->cat_words[id], c->cat_words_len[id]};
            parts[np++] = LIT(" are not open at ");
            parts[np++] = (piece){level, g->level_len};
            parts[np++] = LIT(" level.");
            parts[np++] = LIT("\" log=level.category\n");
        } else if (rule->risk > g->max_risk) {
            parts[np++] = (piece){texts + rule->name, rule->name_len};
            parts[np++] = LIT(" needs a higher level than ");
            parts[np++] = (piece){level, g->level_len};
            parts[np++] = LIT(".");
            parts[np++] = LIT("\" log=level.risk\n");
        } else {
            parts[np++] = (piece){texts + rule->name, rule->name_len};
            parts[np++] = LIT(" is only for some groups, such as ");
            parts[np++] = (piece){texts + rule->group, rule->group_len};
            parts[np++] = LIT(".");
            parts[np++] = LIT("\" log=site.group\n");
        }
        for (int i = 2; i < np - 1; i++) text += parts[i].n;
        if (text > MAX_TEXT) return TG_SLOW; /* quote() would cut it: Python does */
        if ((w = emit(out, room, parts, np)) < 0) return TG_FULL;
        row = g->base + 2 * id;
    }
    count(c, row, 0, name, host_len);
    *written = w;
    return TG_ANSWERED;
}

/* Answer up to st[1] lines of buf (lines end at "\n" or at the end of buf) from byte st[0]. Writes the answers to
 * out and returns TG_DONE when it has answered them all, or stops before a line and returns TG_SLOW (Python must
 * answer it), TG_GATE (Python must hand over the gate of the client address at st[6]..st[7] of the line) or TG_FULL
 * (out is full). Always: st[0] the start of the next line to answer, st[2] the lines answered, st[3] the bytes
 * written, and for TG_SLOW/TG_GATE st[4]..st[5] the line (without its "\n"). */
int64_t tg_answer(tg_ctx *c, const tg_catalogue *cat, uint64_t gen, const unsigned char *buf, int64_t len,
                  int64_t *st, unsigned char *out, int64_t cap) {
    int64_t pos = st[0], limit = st[1], done = 0, used = 0;
    int64_t status = TG_DONE;
    if (pos < 0 || len < 0) return TG_DONE;
    while (done < limit && pos <= len) {
        const unsigned char *line = buf + pos;
        const unsigned char *nl = memchr(line, '\n', (size_t)(len - pos));
        int64_t end = nl ? nl - buf : len;
        int64_t written = 0, ip_at[2] = {0, 0};
        int r = one(c, cat, gen, line, end - pos, out + used, cap - used, &written, ip_at);
        if (r == TG_FULL && used == 0) r = TG_SLOW; /* an answer longer than the whole buffer */
        if (r != TG_ANSWERED) {
            status = r;
            st[4] = pos;
            st[5] = end;
            st[6] = pos + ip_at[0];
            st[7] = pos + ip_at[1];
            break;
        }
        used += written;
        done++;
        pos = end + 1;
    }
    st[0] = pos;
    st[2] = done;
    st[3] = used;
    return status;
}
