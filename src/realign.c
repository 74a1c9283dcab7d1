/* Ragged-row repair. A row whose export lost cells in the middle has its later
 * cells shifted left and empty cells at the end. The observed cells are put
 * back into the layout's columns in order, allowing gaps, by the placement that
 * best fits what each cell looks like; a forward-backward pass then tells, per
 * cell and per empty column, whether any other placement comes close (a guess). */
#include <stdlib.h>
#include <string.h>

#include "cues.h"
#include "table.h"

/* Points are scaled so a tie-break bonus (one unit per cell left in place) can
 * never outweigh a real feature point. */
#define UNIT 64
#define SHIFT_MARGIN 3 /* a repair must beat the row as read by this many points */
#define CERT_MARGIN 3  /* placements within this many points of the best are alternatives */
#define NEG_INF (-1000000000)
#define JX_REALIGN_MAX_COLS 1024
#define BROKEN_PAIR 1 /* see gap_cost */

enum kind { K_OTHER, K_SEQ, K_TEXT, K_AMOUNT, K_RATE, K_GOAL, K_IND_T, K_IND_R, K_PROB, K_RECT, K_WEIGHT };

struct jx_realigner {
    const jx_doc *doc;
    enum kind *kind;
    uint8_t *l2;
    int *partner;  /* the other column of the same indicator pair, -1 if none */
    uint8_t *is_t; /* column is an indicator target */
    int m;
    int cap_k;
    struct jx_cues *cues;
    uint8_t *sim; /* sim[i]: how much cells i-1 and i read as one target/result pair */
    uint16_t *hash; /* the pair hashes of the row's cells, cell i's from hoff[i] to hoff[i + 1] */
    size_t hash_cap, *hoff;
    int *F, *B, *from, *fit, *place;
    jx_move *moves;
    jx_gap *gaps;
};

static enum kind kind_of(const jx_column *col)
{
    switch (col->field) {
    case JX_F_SEQ: return K_SEQ;
    case JX_F_DEPT: case JX_F_NAME: return K_TEXT;
    case JX_F_RATE: return K_RATE;
    case JX_F_GOAL_TARGET: case JX_F_GOAL_RESULT: return K_GOAL;
    case JX_F_IND_TARGET: return K_IND_T;
    case JX_F_IND_RESULT: return K_IND_R;
    case JX_F_IND_WEIGHT: case JX_F_IND_SCORE: return K_WEIGHT;
    case JX_F_PROBLEMS: return K_PROB;
    case JX_F_RECTIFICATION: return K_RECT;
    case JX_F_UNKNOWN: case JX_F_COUNT: return K_OTHER;
    default: return K_AMOUNT;
    }
}

/* How well a cell fits a column, in points: positive = looks like it belongs. */
static int fit(const struct jx_cues *f, enum kind k, int l2)
{
    if (f->empty) return 0;
    int s = 0;
    switch (k) {
    case K_SEQ: return f->number && f->integer ? 4 : -4;
    case K_TEXT: return f->number || f->percent ? -3 : 1;
    case K_AMOUNT: return f->number ? 6 : f->percent ? -4 : -6;
    case K_WEIGHT: return f->number ? 4 : -4;
    case K_RATE: return f->percent ? 6 : f->number ? 2 : -6;
    case K_GOAL: return f->number || f->percent ? -4 : f->none ? -2 : 1;
    case K_PROB:
    case K_RECT:
        if (f->none) return 5;
        if (f->number || f->percent) return -3;
        if (f->sat) return -3;
        if (k == K_PROB && f->problem_w) s += 4;
        if (k == K_RECT && f->rect_w) s += 4;
        return s;
    case K_IND_T:
    case K_IND_R: {
        int result = k == K_IND_R;
        if (f->number) return -1;
        if (f->none) return -3;
        if (f->na) return 2;
        /* A satisfaction cell names 满意/投诉 or is a bare figure such as "≥90%". */
        if (l2 == JX_L2_SATISFACTION) s += f->sat ? 5 : f->short_pct ? 1 : -4;
        else if (f->sat) s -= 3;
        if (f->percent) s += result ? (l2 == JX_L2_SATISFACTION ? 3 : 1) : -1;
        if (f->day_date) s += result ? 3 : -2;
        if (f->period && !f->day_date) s += result ? 0 : 1;
        if (f->op) s += result ? -2 : 2;
        if (f->target_w) s += result ? 0 : 1;
        if (f->result_w) s += result ? 1 : 0;
        if (l2 == JX_L2_TIMELINESS && (f->timely_w || f->day_date || f->period)) s += 2;
        /* Ecological and economic benefits are the level-2 kinds whose cells
         * usually name their topic. */
        if (l2 == JX_L2_ECOLOGICAL) s += f->eco ? 1 : -2;
        if (l2 == JX_L2_ECONOMIC && f->econ) s += 1;
        return s;
    }
    case K_OTHER: return 0;
    }
    return 0;
}

/* A 3-byte character's value in the bigram hash: s0*131^2 + s1*131 + s2. */
static inline uint32_t char_value(const unsigned char *s) { return s[0] * 17161u + s[1] * 131u + s[2]; }

/* Hash of a pair of 3-byte characters into 0..1023: the polynomial
 * ((s0*131 + s1)*131 + ...)*131 + s5 of its six bytes, as the first
 * character's value times 131^3 plus the second's. */
static inline uint32_t pair_hash(uint32_t first, uint32_t second)
{
    return ((first * 2248091u + second) * 2654435761u) >> 22;
}

/* Appends to out the hash of every pair of CJK characters in c, stepping one
 * character at a time; each character's value is computed once. out has room
 * for len / 3 hashes. Returns the number appended. */
static size_t pair_hashes(const jx_cell *c, uint16_t *out)
{
    const unsigned char *s = (const unsigned char *)c->s;
    size_t len = c->len, next = (size_t)-1, n = 0;
    uint32_t v = 0;
    for (size_t i = 0; i + 6 <= len; i++) {
        if (s[i] < 0xE0 || s[i + 3] < 0xE0) continue; /* pairs of CJK characters only */
        uint32_t first = i == next ? v : char_value(s + i);
        v = char_value(s + i + 3);
        next = i + 3;
        out[n++] = (uint16_t)pair_hash(first, v);
        i += 2;
    }
    return n;
}

/* The share of the shorter cell's two-character sequences (hashes ha[0, na))
 * that the other cell repeats (hb[0, nb)), as 0..3 points: a target and its
 * result usually use the same words. */
static int pair_similarity(const uint16_t *ha, size_t na, const uint16_t *hb, size_t nb)
{
    uint64_t set[16] = {0};
    size_t shared = 0;
    for (size_t x = 0; x < na; x++) set[ha[x] >> 6] |= 1ull << (ha[x] & 63);
    for (size_t x = 0; x < nb; x++) shared += (set[hb[x] >> 6] >> (hb[x] & 63)) & 1;
    size_t shorter = na < nb ? na : nb;
    if (shorter < 2) return 0;
    size_t pct = shared * 100 / shorter;
    return pct >= 40 ? 3 : pct >= 25 ? 2 : pct >= 15 ? 1 : 0;
}

jx_realigner *jx_realigner_new(const jx_doc *doc)
{
    jx_realigner *ra = calloc(1, sizeof *ra);
    if (!ra) return NULL;
    ra->doc = doc;
    ra->m = doc->ncols;
    ra->kind = calloc((size_t)ra->m + 1, sizeof *ra->kind);
    ra->l2 = calloc((size_t)ra->m + 1, 1);
    ra->is_t = calloc((size_t)ra->m + 1, 1);
    ra->partner = malloc(sizeof(int) * ((size_t)ra->m + 1));
    if (!ra->kind || !ra->l2 || !ra->is_t || !ra->partner) {
        jx_realigner_free(ra);
        return NULL;
    }
    for (int c = 0; c < ra->m; c++) {
        ra->kind[c] = kind_of(&doc->cols[c]);
        ra->l2[c] = doc->cols[c].level2;
        ra->partner[c] = -1;
    }
    /* Pairs: each indicator's target and result, the goal and its outcome,
     * the problems and their rectification. */
    for (int i = 0; i <= doc->ninds + 1; i++) {
        int t, r;
        if (i < doc->ninds) t = doc->inds[i].target_col, r = doc->inds[i].result_col;
        else if (i == doc->ninds) t = doc->fieldcol[JX_F_GOAL_TARGET], r = doc->fieldcol[JX_F_GOAL_RESULT];
        else t = doc->fieldcol[JX_F_PROBLEMS], r = doc->fieldcol[JX_F_RECTIFICATION];
        if (t < 0 || r < 0) continue;
        ra->partner[t] = r, ra->partner[r] = t;
        ra->is_t[t] = i < doc->ninds;
    }
    return ra;
}

void jx_realigner_free(jx_realigner *ra)
{
    if (!ra) return;
    free(ra->kind), free(ra->l2), free(ra->is_t), free(ra->partner), free(ra->cues), free(ra->sim);
    free(ra->hash), free(ra->hoff);
    free(ra->F), free(ra->B), free(ra->from), free(ra->fit), free(ra->place);
    free(ra->moves), free(ra->gaps);
    free(ra);
}

static int reserve(jx_realigner *ra, int k)
{
    if (k <= ra->cap_k) return 0;
    size_t cells = (size_t)k * (size_t)ra->m;
#define GROW(field, count)                                                    \
    do {                                                                      \
        void *p_ = realloc(ra->field, sizeof *ra->field * (count));           \
        if (!p_) return -1;                                                   \
        ra->field = p_;                                                       \
    } while (0)
    GROW(cues, (size_t)k);
    GROW(sim, (size_t)k);
    GROW(hoff, (size_t)k + 1);
    GROW(F, cells);
    GROW(B, cells);
    GROW(from, cells);
    GROW(fit, cells);
    GROW(place, (size_t)k);
    GROW(moves, (size_t)k);
    GROW(gaps, (size_t)ra->m);
#undef GROW
    ra->cap_k = k;
    return 0;
}

/* Points lost for leaving the columns strictly between a and b empty: each
 * indicator pair split by the gap (one column empty, its partner filled)
 * costs, so a lost pair reads as a lost pair rather than as two lost halves. */
static int left_cost(const jx_realigner *ra, int a)
{
    return a >= 0 && a + 1 < ra->m && ra->partner[a + 1] == a ? BROKEN_PAIR * UNIT : 0;
}

static int right_cost(const jx_realigner *ra, int b)
{
    return b > 0 && b < ra->m && ra->partner[b - 1] == b ? BROKEN_PAIR * UNIT : 0;
}

static int gap_cost(const jx_realigner *ra, int a, int b)
{
    return b - a < 2 ? 0 : left_cost(ra, a) + right_cost(ra, b);
}

/* Points for cells i-1 and i sitting in columns j-1 and j: a bonus when those
 * are one indicator's target and result and the texts share words. */
static int pair_bonus(const jx_realigner *ra, int i, int j)
{
    return (j > 0 && ra->is_t[j - 1] && ra->partner[j - 1] == j) ? ra->sim[i] * UNIT : 0;
}

int jx_realign(jx_realigner *ra, const jx_row *row, int *col, jx_repair *rep)
{
    int m = ra->m;
    int n = row->n < m ? row->n : m;
    int k = n;
    while (k > 0) {
        const jx_cell *c = &row->cells[k - 1];
        size_t i = 0;
        while (i < c->len && (c->s[i] == ' ' || c->s[i] == '\t')) i++;
        if (i < c->len) break;
        k--;
    }
    for (int j = 0; j < m; j++) col[j] = j < n ? j : -1;
    /* Only a row that ends early can have lost cells in the middle; very wide
     * layouts are not realigned (the search is k x m). */
    if (k >= m || k == 0 || m > JX_REALIGN_MAX_COLS) return 0;
    if (reserve(ra, k) < 0) return -1;

    /* Cell i can only sit in columns i to i + d (d = m - k cells lost): the
     * passes below visit that band; outside it every score is NEG_INF. */
    int d = m - k;
    /* sim[i]: how much cells i-1 and i read as one pair, wanted only where the
     * band offers an indicator's target and result side by side */
    for (int i = 0; i < k; i++) {
        int pair = 0;
        for (int j = i; i > 0 && j <= i + d && !pair; j++) pair = ra->is_t[j - 1] && ra->partner[j - 1] == j;
        ra->sim[i] = (uint8_t)pair;
    }
    /* each cell's pair hashes, once, for the cells in such a pair */
    ra->hoff[0] = 0;
    for (int i = 0; i < k; i++) {
        size_t at = ra->hoff[i];
        if (ra->sim[i] || (i + 1 < k && ra->sim[i + 1])) {
            size_t want = at + row->cells[i].len / 3 + 1;
            if (want > ra->hash_cap) {
                size_t cap = ra->hash_cap ? ra->hash_cap : 256;
                while (cap < want) cap *= 2;
                uint16_t *h = realloc(ra->hash, cap * sizeof *h);
                if (!h) return -1;
                ra->hash = h, ra->hash_cap = cap;
            }
            at += pair_hashes(&row->cells[i], ra->hash + at);
        }
        ra->hoff[i + 1] = at;
    }
    for (int i = 0; i < k; i++) {
        /* the word cues count only where the band offers an indicator, the
         * problems or the rectification (see fit) */
        int words = 0;
        for (int j = i; j <= i + d && !words; j++)
            words = ra->kind[j] == K_IND_T || ra->kind[j] == K_IND_R || ra->kind[j] == K_PROB || ra->kind[j] == K_RECT;
        ra->cues[i] = words ? jx_cues_of(&row->cells[i]) : jx_cues_shape(&row->cells[i]);
        if (ra->sim[i]) {
            const uint16_t *h = ra->hash;
            ra->sim[i] = (uint8_t)pair_similarity(h + ra->hoff[i - 1], ra->hoff[i] - ra->hoff[i - 1], h + ra->hoff[i],
                                                  ra->hoff[i + 1] - ra->hoff[i]);
        }
    }
    int *F = ra->F, *B = ra->B, *from = ra->from, *fv = ra->fit;
#define AT(a, i, j) a[(size_t)(i) * (size_t)m + (size_t)(j)]
    /* Only the band is written and read: fit, F and B of cell i are defined for
     * columns i to i + d (every other placement scores NEG_INF). */
    for (int i = 0; i < k; i++)
        for (int j = i; j <= i + d; j++) AT(fv, i, j) = fit(&ra->cues[i], ra->kind[j], ra->l2[j]) * UNIT + (i == j);
    /* Forward: F(i, j) = best score of cells 0..i with cell i in column j. */
    for (int j = 0; j <= d; j++) {
        AT(F, 0, j) = AT(fv, 0, j) - gap_cost(ra, -1, j);
        AT(from, 0, j) = -1;
    }
    /* A gap's cost splits into a part for its left end and one for its right
     * end (gap_cost), so the best predecessor beyond the adjacent column is a
     * running maximum: O(k x d) per row. */
    for (int i = 1; i < k; i++) {
        int run = NEG_INF, run_arg = -1;
        for (int j = i; j <= i + d; j++) {
            if (j >= i + 1) { /* column j - 2 is in the band of cell i - 1 */
                int jp = j - 2;
                if (AT(F, i - 1, jp) != NEG_INF) {
                    int v = AT(F, i - 1, jp) - left_cost(ra, jp);
                    if (v > run) run = v, run_arg = jp;
                }
            }
            int best = NEG_INF, arg = -1;
            if (run != NEG_INF) best = run - right_cost(ra, j), arg = run_arg;
            if (AT(F, i - 1, j - 1) != NEG_INF) {
                int v = AT(F, i - 1, j - 1) + pair_bonus(ra, i, j);
                if (v >= best) best = v, arg = j - 1;
            }
            AT(F, i, j) = best == NEG_INF ? NEG_INF : best + AT(fv, i, j);
            AT(from, i, j) = arg;
        }
    }
    /* Backward: B(i, j) = best score of cells i+1..k-1 given cell i in column j. */
    for (int j = k - 1; j < m; j++) AT(B, k - 1, j) = -gap_cost(ra, j, m);
    for (int i = k - 2; i >= 0; i--) {
        int run = NEG_INF;
        for (int j = i + d; j >= i; j--) {
            if (j + 2 <= i + 1 + d) { /* column j + 2 is in the band of cell i + 1 */
                int jn = j + 2;
                if (AT(B, i + 1, jn) != NEG_INF) {
                    int v = AT(fv, i + 1, jn) + AT(B, i + 1, jn) - right_cost(ra, jn);
                    if (v > run) run = v;
                }
            }
            int best = run == NEG_INF ? NEG_INF : run - left_cost(ra, j);
            if (AT(B, i + 1, j + 1) != NEG_INF) {
                int v = AT(fv, i + 1, j + 1) + AT(B, i + 1, j + 1) + pair_bonus(ra, i + 1, j + 1);
                if (v > best) best = v;
            }
            AT(B, i, j) = best;
        }
    }
    int best = NEG_INF, bj = -1;
    for (int j = k - 1; j < m; j++) {
        if (AT(F, k - 1, j) == NEG_INF) continue;
        int v = AT(F, k - 1, j) - gap_cost(ra, j, m);
        if (v > best) best = v, bj = j;
    }
    /* The row as read: cell i in column i, the rest empty. */
    int identity = -gap_cost(ra, k - 1, m);
    for (int i = 0; i < k; i++) identity += AT(fv, i, i) + (i > 0 ? pair_bonus(ra, i, i) : 0);
    if (bj < 0 || best - identity < SHIFT_MARGIN * UNIT) return 0;

    for (int j = 0; j < m; j++) col[j] = -1;
    int *pl = ra->place;
    for (int i = k - 1, j = bj; i >= 0; i--) {
        pl[i] = j;
        col[j] = i;
        j = AT(from, i, j);
    }
    int cut = best - CERT_MARGIN * UNIT;
    rep->certain = 1;
    rep->observed = k;
    rep->nmoves = 0;
    rep->moves = ra->moves;
    rep->score_best = best / UNIT;
    rep->score_identity = identity / UNIT;
    for (int i = 0; i < k; i++) {
        jx_move mv = {i, pl[i], 1, 0, {0}};
        for (int j = i; j <= i + d; j++) {
            if (j == pl[i] || AT(F, i, j) == NEG_INF || AT(B, i, j) == NEG_INF) continue;
            if (AT(F, i, j) + AT(B, i, j) >= cut) {
                mv.certain = 0;
                if (mv.nalt < 4) mv.alt[mv.nalt++] = j;
            }
        }
        if (!mv.certain) rep->certain = 0;
        if (pl[i] != i || !mv.certain) rep->moves[rep->nmoves++] = mv;
    }
    rep->ngaps = 0;
    rep->gaps = ra->gaps;
    for (int j = 0; j <= pl[k - 1]; j++) {
        if (col[j] >= 0) continue;
        jx_gap g = {j, 1};
        /* Certainly empty only if no near-best placement puts a cell here. */
        for (int i = j - d > 0 ? j - d : 0; i <= j && i < k && g.certain; i++)
            if (AT(F, i, j) != NEG_INF && AT(B, i, j) != NEG_INF && AT(F, i, j) + AT(B, i, j) >= cut) g.certain = 0;
        if (!g.certain) rep->certain = 0;
        rep->gaps[rep->ngaps++] = g;
    }
    return 1;
#undef AT
}
