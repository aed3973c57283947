#include "bridge.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sphinxbase/ckd_alloc.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>
#include <sphinxbase/fe.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/jsgf.h>
#include <sphinxbase/logmath.h>

/* The library reports why a call failed only through its logger. Keeping the
   latest error per thread lets the Go side attach it to the failed call, which
   ran on the same OS thread. */
static __thread char last_error[512];

static void on_message(void *user_data, err_lvl_t level, const char *fmt, ...)
{
	(void)user_data;
	/* The first error of a call is the cause; later ones are consequences
	   ("Failed to parse ..."). */
	if (level < ERR_ERROR || fmt == NULL || last_error[0] != '\0')
		return;
	char msg[sizeof last_error];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* Drop the 'ERROR: "file.c", line N: ' prefix: the location is the
	   library's, not the grammar's. */
	const char *text = msg;
	if (strncmp(text, "ERROR: \"", 8) == 0) {
		const char *line = strstr(text, ", line ");
		const char *colon = line != NULL ? strstr(line, ": ") : NULL;
		if (colon != NULL)
			text = colon + 2;
	}
	snprintf(last_error, sizeof last_error, "%s", text);
	size_t n = strlen(last_error);
	while (n > 0 && (last_error[n - 1] == '\n' || last_error[n - 1] == ' '))
		last_error[--n] = '\0';
}

void mrcpd_quiet(void)
{
	/* Some messages (the configuration dump) go straight to the log file
	   rather than through the callback. */
	err_set_logfp(NULL);
	err_set_callback(on_message, NULL);
}

const char *mrcpd_last_error(void)
{
	return last_error;
}

void mrcpd_clear_error(void)
{
	last_error[0] = '\0';
}

ps_decoder_t *mrcpd_decoder_new(const char *hmm, const char *dict, const char *lm)
{
	/* cmd_ln_init is variadic, which cgo cannot call. */
	cmd_ln_t *config;
	if (lm != NULL && dict != NULL)
		config = cmd_ln_init(NULL, ps_args(), TRUE, "-hmm", hmm, "-dict", dict, "-lm", lm, NULL);
	else if (dict != NULL)
		config = cmd_ln_init(NULL, ps_args(), TRUE, "-hmm", hmm, "-dict", dict, NULL);
	else
		/* No dictionary: only the fillers of the acoustic model; words are
		   added per grammar. The default word-exit beam (7e-29) prunes
		   the last word of short phrases on 8 kHz speech often enough
		   that no path reaches the end of the grammar and the result is
		   empty; 1e-60 keeps those paths, at a CPU cost within the
		   benchmark's noise on a small grammar (docs/engine.md). */
		config = cmd_ln_init(NULL, ps_args(), TRUE, "-hmm", hmm, "-wbeam", "1e-60", NULL);
	if (config == NULL)
		return NULL;
	ps_decoder_t *ps = ps_init(config);
	cmd_ln_free_r(config);
	return ps;
}

fsg_model_t *mrcpd_fsg_from_jsgf(ps_decoder_t *ps, const char *jsgf)
{
	jsgf_t *grammar = jsgf_parse_string(jsgf, NULL);
	if (grammar == NULL) {
		if (last_error[0] == '\0')
			snprintf(last_error, sizeof last_error, "JSGF syntax error");
		return NULL;
	}
	jsgf_rule_t *rule = jsgf_get_public_rule(grammar);
	if (rule == NULL) {
		snprintf(last_error, sizeof last_error, "JSGF grammar has no public rule");
		jsgf_grammar_free(grammar);
		return NULL;
	}
	cmd_ln_t *config = ps_get_config(ps);
	float lw = (float)cmd_ln_float_r(config, "-lw");
	fsg_model_t *fsg = jsgf_build_fsg(grammar, rule, ps_get_logmath(ps), lw);
	jsgf_grammar_free(grammar);
	if (fsg == NULL) {
		if (last_error[0] == '\0')
			snprintf(last_error, sizeof last_error, "JSGF grammar could not be compiled");
		return NULL;
	}
	/* An undefined rule reference is logged as an error but still yields a
	   (wrong) automaton. */
	if (last_error[0] != '\0') {
		fsg_model_free(fsg);
		return NULL;
	}
	if (fsg_model_n_word(fsg) == 0) {
		snprintf(last_error, sizeof last_error, "JSGF grammar has no words");
		fsg_model_free(fsg);
		return NULL;
	}
	return fsg;
}

int mrcpd_fsg_word_count(fsg_model_t *fsg)
{
	return fsg_model_n_word(fsg);
}

const char *mrcpd_fsg_word(fsg_model_t *fsg, int i)
{
	return fsg_model_word_str(fsg, i);
}

int mrcpd_frame_rate(ps_decoder_t *ps)
{
	return (int)cmd_ln_int_r(ps_get_config(ps), "-frate");
}

int mrcpd_bestpath(ps_decoder_t *ps)
{
	return cmd_ln_boolean_r(ps_get_config(ps), "-bestpath") ? 1 : 0;
}

int mrcpd_cmn_len(ps_decoder_t *ps)
{
	return ps_get_feat(ps)->cmn_struct->veclen;
}

void mrcpd_cmn_mean(ps_decoder_t *ps, float *out, int n)
{
	cmn_t *cmn = ps_get_feat(ps)->cmn_struct;
	for (int i = 0; i < n && i < cmn->veclen; i++)
		out[i] = MFCC2FLOAT(cmn->cmn_mean[i]);
}

/* A model configured without CMN keeps none. */
static int cmn_disabled(ps_decoder_t *ps)
{
	const char *mode = cmd_ln_str_r(ps_get_config(ps), "-cmn");
	return mode == NULL || strcmp(mode, "none") == 0;
}

void mrcpd_feat_reset(ps_decoder_t *ps)
{
	feat_t *feat = ps_get_feat(ps);
	/* The live feature computation keeps the last cepstra of the previous
	   stream in its ring buffer, and the first frames of the next stream
	   still see them. Rows as feat_init allocates them. */
	int rows = LIVEBUFBLOCKSIZE;
	if (rows < feat->window_size * 2)
		rows = feat->window_size * 2;
	for (int i = 0; i < rows; i++)
		memset(feat->cepbuf[i], 0, (size_t)feat->cepsize * sizeof(mfcc_t));
	feat->bufpos = 0;
	feat->curpos = 0;
}

void mrcpd_cmn_start(ps_decoder_t *ps, const float *mean, int n)
{
	if (cmn_disabled(ps))
		return;
	feat_t *feat = ps_get_feat(ps);
	cmn_t *cmn = feat->cmn_struct;
	/* The library turns batch CMN into live CMN for good on the first block
	   that is not a whole utterance, and live CMN carries its running sums
	   from one utterance to the next. Live from a given mean with empty sums
	   is what a new decoder does on its first utterance. */
	feat->cmn = CMN_LIVE;
	for (int i = 0; i < cmn->veclen; i++) {
		cmn->cmn_mean[i] = i < n ? FLOAT2MFCC(mean[i]) : 0;
		cmn->sum[i] = 0;
	}
	cmn->nframe = 0;
}

/* Sets the mean a whole-utterance pass subtracts: the mean of the frames
   live CMN counts (those with energy, c0 >= 0), with the prior counted as
   prior_frames more frames. Short utterances (a digit, "yes") have too few
   frames for their own mean to be a channel estimate; the prior keeps it
   near the mean of typical speech on the same kind of line. Live
   normalisation, unlike batch, leaves the near-silent frames alone: batch
   would shift them too, and digital silence (synthetic speech, G.711 idle
   codes) would then match no silence model. */
static int utterance_mean(ps_decoder_t *ps, mfcc_t **cep, int nfr, int veclen,
			  const float *prior, int nprior, int prior_frames)
{
	double *sum = calloc((size_t)veclen, sizeof *sum);
	float *mean = calloc((size_t)veclen, sizeof *mean);
	if (sum == NULL || mean == NULL) {
		free(sum);
		free(mean);
		return -1;
	}
	int counted = 0;
	for (int f = 0; f < nfr; f++) {
		if (MFCC2FLOAT(cep[f][0]) < 0)
			continue;
		for (int i = 0; i < veclen; i++)
			sum[i] += MFCC2FLOAT(cep[f][i]);
		counted++;
	}
	if (counted > 0) {
		for (int i = 0; i < veclen; i++) {
			double p = i < nprior ? (double)prior[i] * prior_frames : 0;
			mean[i] = (float)((sum[i] + p) / (counted + prior_frames));
		}
		mrcpd_cmn_start(ps, mean, veclen);
	}
	free(sum);
	free(mean);
	return 0;
}

int mrcpd_process_utterance(ps_decoder_t *ps, const int16 *pcm, size_t n,
			    const float *prior, int nprior, int prior_frames)
{
	fe_t *fe = ps_get_fe(ps);
	int veclen = fe_get_output_size(fe);
	size_t left = n;
	int32 cap = 0, nfr, ntail = 0;

	/* The same front-end steps as ps_process_raw on a whole utterance, done
	   here so the cepstra can be seen before they are normalised. */
	fe_start_utt(fe);
	if (fe_process_frames(fe, NULL, &left, NULL, &cap, NULL) < 0)
		return -1;
	cap += 1; /* the residual frame of fe_end_utt */
	mfcc_t **cep = ckd_calloc_2d(cap, veclen, sizeof(mfcc_t));
	nfr = cap - 1;
	left = n;
	const int16 *p = pcm;
	if (fe_process_frames(fe, &p, &left, cep, &nfr, NULL) < 0 || left != 0) {
		ckd_free_2d(cep);
		return -1;
	}
	fe_end_utt(fe, cep[nfr], &ntail);
	nfr += ntail;

	int rc = 0;
	if (!cmn_disabled(ps))
		rc = utterance_mean(ps, cep, nfr, veclen, prior, nprior, prior_frames);
	if (rc == 0 && nfr > 0)
		rc = ps_process_cep(ps, cep, nfr, FALSE, TRUE);
	ckd_free_2d(cep);
	return rc < 0 ? -1 : 0;
}

double mrcpd_log_to_ln(ps_decoder_t *ps, int logb)
{
	return logmath_log_to_ln(ps_get_logmath(ps), logb);
}

int mrcpd_segments(ps_decoder_t *ps, mrcpd_seg *out, int max)
{
	int n = 0;
	ps_seg_t *seg = ps_seg_iter(ps);
	while (seg != NULL && n < max) {
		int32 ascr = 0, lscr = 0, lback = 0;
		ps_seg_frames(seg, &out[n].start, &out[n].end);
		ps_seg_prob(seg, &ascr, &lscr, &lback);
		out[n].ascr = ascr;
		/* The word string lives in the dictionary, which outlives the call. */
		out[n].word = ps_seg_word(seg);
		n++;
		seg = ps_seg_next(seg);
	}
	if (seg != NULL)
		ps_seg_free(seg);
	return n;
}

int mrcpd_nbest(ps_decoder_t *ps, char **texts, int *scores, int max, int scan)
{
	int n = 0;
	ps_nbest_t *nb = ps_nbest(ps);
	/* The A* search repeats a text once per segmentation; scan a bounded
	   number of paths for distinct texts. */
	for (int i = 0; nb != NULL && n < max && i < scan; i++) {
		int32 score = 0;
		const char *hyp = ps_nbest_hyp(nb, &score);
		if (hyp != NULL) {
			int seen = 0;
			for (int j = 0; j < n; j++) {
				if (strcmp(texts[j], hyp) == 0) {
					seen = 1;
					break;
				}
			}
			if (!seen) {
				texts[n] = strdup(hyp);
				scores[n] = score;
				n++;
			}
		}
		nb = ps_nbest_next(nb);
	}
	if (nb != NULL)
		ps_nbest_free(nb);
	return n;
}
