/* Cues: what a cell's text suggests about the column it belongs in (a report
 * of what happened, a target, a satisfaction measure, a problem or its fix, …),
 * read in one pass over the text. Used to realign ragged rows. */
#ifndef JX_CUES_H
#define JX_CUES_H

#include "rows.h"

struct jx_cues {
    unsigned empty : 1, number : 1, integer : 1, percent : 1, none : 1, na : 1, sat : 1, day_date : 1,
        period : 1, op : 1, target_w : 1, result_w : 1, problem_w : 1, rect_w : 1, timely_w : 1, eco : 1,
        econ : 1, short_pct : 1;
};

/* Reads the cues of one cell. Pure; no allocation. */
struct jx_cues jx_cues_of(const jx_cell *c);
/* Only empty, number, integer, percent and none: what the columns of
 * amounts, rates, names and goals are judged by, without the word search. */
struct jx_cues jx_cues_shape(const jx_cell *c);

#endif
