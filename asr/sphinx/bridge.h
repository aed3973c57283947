#ifndef MRCPD_SPHINX_BRIDGE_H
#define MRCPD_SPHINX_BRIDGE_H

#include <stddef.h>
#include <pocketsphinx.h>
#include <sphinxbase/fsg_model.h>

/* Routes library messages into a per-thread buffer instead of stderr. */
void mrcpd_quiet(void);

/* The last error the library reported on this thread, "" when none. */
const char *mrcpd_last_error(void);
void mrcpd_clear_error(void);

ps_decoder_t *mrcpd_decoder_new(const char *hmm, const char *dict, const char *lm);

fsg_model_t *mrcpd_fsg_from_jsgf(ps_decoder_t *ps, const char *jsgf);
int mrcpd_fsg_word_count(fsg_model_t *fsg);
const char *mrcpd_fsg_word(fsg_model_t *fsg, int i);

int mrcpd_frame_rate(ps_decoder_t *ps);
int mrcpd_bestpath(ps_decoder_t *ps);

/* Cepstral mean normalisation. The library keeps it as decoder state that
   outlives an utterance; these calls give every pass a fixed starting point
   instead (see decoder.go). */
int mrcpd_cmn_len(ps_decoder_t *ps);
void mrcpd_cmn_mean(ps_decoder_t *ps, float *out, int n);
void mrcpd_cmn_start(ps_decoder_t *ps, const float *mean, int n);
void mrcpd_feat_reset(ps_decoder_t *ps);

/* Decodes a whole utterance, the utterance already started, normalised
   with its own cepstral mean drawn towards prior (worth prior_frames
   frames). Returns <0 on failure. */
int mrcpd_process_utterance(ps_decoder_t *ps, const int16 *pcm, size_t n,
			    const float *prior, int nprior, int prior_frames);

double mrcpd_log_to_ln(ps_decoder_t *ps, int logb);

typedef struct {
	int start, end;
	int ascr;
	const char *word;
} mrcpd_seg;

/* Copies at most max segments of the best path into out; returns the count. */
int mrcpd_segments(ps_decoder_t *ps, mrcpd_seg *out, int max);

/* Copies at most max distinct n-best hypotheses; texts are malloc'd and the
   caller frees them. Returns the count. */
int mrcpd_nbest(ps_decoder_t *ps, char **texts, int *scores, int max, int scan);

#endif
