// Package nlu classifies transcribed utterances into intents and extracts the entities a call flow needs.
//
// A Model is trained from a few labelled examples per intent (see Dataset) and is a small, versioned JSON
// file. Prediction is pure Go, needs no network and no external model files, and is built for what a speech
// recogniser produces: lower-case text without punctuation, misrecognised word endings and filler words, in
// English and Russian.
//
// Features come in three blocks, each TF-IDF weighted and given its own share of a unit-length vector: word
// uni- and bigrams of stemmed tokens, character n-grams inside word boundaries, and unordered pairs of
// stems anywhere in the utterance. The classifier combines scorers over them:
//
//   - a one-vs-rest linear SVM (L2-regularised squared hinge, dual coordinate descent) over all blocks,
//     plus one such SVM per block trained on that block alone (an ensemble over views of the text);
//   - a cosine nearest-centroid scorer, strong when an intent has only a handful of examples.
//
// All of them are linear, so the model stores one weight matrix. Their blend is turned into probabilities
// by a softmax whose temperature is fitted on cross-validation folds of the training data, so Confidence
// means what it says and a threshold on it separates out-of-scope input.
package nlu
