package com.calmline.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fits the {@link TopicModel}: multinomial logistic regression with an L2 penalty (not on the biases), by
 * L-BFGS for a fixed number of iterations from zero. Every sum runs in the same order, so the same labelled
 * set always gives the same weights, which a test checks against the shipped file. Newton's method, as the
 * anger weights use, would need a Hessian of thousands of features squared.
 */
final class TopicFit {
    /** Penalty per unit of squared weight, on the mean log-loss; chosen by cross-validation on the development lines. */
    static final double L2 = 0.0003;
    /** A feature seen in fewer examples than this is left out: it would only learn its one line by heart. */
    static final int MIN_EXAMPLES = 2;
    private static final int ITERATIONS = 300;
    private static final int MEMORY = 10;

    /** One labelled example: the index of its topic and its text. */
    record Example(int topic, String text) {
    }

    private TopicFit() {
    }

    static TopicModel fit(List<String> topics, List<Example> examples) {
        Map<String, Integer> counts = new TreeMap<>();
        List<List<String>> featuresOf = new ArrayList<>();
        for (Example e : examples) {
            List<String> f = List.copyOf(Features.of(e.text()));
            featuresOf.add(f);
            f.forEach(name -> counts.merge(name, 1, Integer::sum));
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        counts.forEach((name, n) -> {
            if (n >= MIN_EXAMPLES) {
                index.put(name, index.size());
            }
        });
        int[][] x = new int[examples.size()][];
        int[] y = new int[examples.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = featuresOf.get(i).stream().filter(index::containsKey).mapToInt(index::get).toArray();
            y[i] = examples.get(i).topic();
        }
        Problem problem = new Problem(x, y, topics.size(), index.size());
        double[] theta = minimise(problem);
        int k = topics.size();
        double[] bias = new double[k];
        System.arraycopy(theta, 0, bias, 0, k);
        Map<String, double[]> weights = new HashMap<>();
        index.forEach((name, j) -> {
            double[] w = new double[k];
            boolean any = false;
            for (int c = 0; c < k; c++) {
                w[c] = theta[k + j * k + c];
                any |= Math.abs(w[c]) >= 0.000005;
            }
            if (any) {
                weights.put(name, w);
            }
        });
        return new TopicModel(topics, bias, weights);
    }

    static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            p[k] = Math.exp(z[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < z.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    /** The mean log-loss and its gradient over theta = biases, then each feature's weights per topic. */
    private record Problem(int[][] x, int[] y, int topics, int features) {
        int size() {
            return topics * (features + 1);
        }

        double value(double[] theta, double[] gradient) {
            Arrays.fill(gradient, 0);
            double loss = 0;
            int k = topics;
            double n = x.length;
            for (int i = 0; i < x.length; i++) {
                double scale = x[i].length == 0 ? 0 : 1 / Math.sqrt(x[i].length);
                double[] z = new double[k];
                for (int c = 0; c < k; c++) {
                    z[c] = theta[c];
                }
                for (int j : x[i]) {
                    for (int c = 0; c < k; c++) {
                        z[c] += scale * theta[k + j * k + c];
                    }
                }
                double[] p = softmax(z);
                loss -= Math.log(Math.max(p[y[i]], 1e-300)) / n;
                for (int c = 0; c < k; c++) {
                    double r = (p[c] - (c == y[i] ? 1 : 0)) / n;
                    gradient[c] += r;
                    for (int j : x[i]) {
                        gradient[k + j * k + c] += r * scale;
                    }
                }
            }
            for (int at = k; at < theta.length; at++) {
                loss += L2 / 2 * theta[at] * theta[at];
                gradient[at] += L2 * theta[at];
            }
            return loss;
        }
    }

    /** L-BFGS with a backtracking (Armijo) line search, {@value #ITERATIONS} iterations or until the gradient vanishes. */
    private static double[] minimise(Problem problem) {
        int size = problem.size();
        double[] theta = new double[size];
        double[] gradient = new double[size];
        double value = problem.value(theta, gradient);
        Deque<double[][]> memory = new ArrayDeque<>();
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            double[] direction = direction(gradient, memory);
            double slope = dot(direction, gradient);
            if (slope >= 0) {
                memory.clear();
                direction = negated(gradient);
                slope = dot(direction, gradient);
            }
            if (-slope < 1e-14) {
                break;
            }
            double step = memory.isEmpty() ? 1 / Math.sqrt(-slope) : 1;
            double[] next = new double[size];
            double[] nextGradient = new double[size];
            double nextValue;
            int tries = 0;
            while (true) {
                for (int i = 0; i < size; i++) {
                    next[i] = theta[i] + step * direction[i];
                }
                nextValue = problem.value(next, nextGradient);
                if (nextValue <= value + 1e-4 * step * slope || ++tries > 40) {
                    break;
                }
                step /= 2;
            }
            double[] s = new double[size];
            double[] yv = new double[size];
            for (int i = 0; i < size; i++) {
                s[i] = next[i] - theta[i];
                yv[i] = nextGradient[i] - gradient[i];
            }
            if (dot(s, yv) > 1e-12) {
                memory.addLast(new double[][] {s, yv});
                if (memory.size() > MEMORY) {
                    memory.removeFirst();
                }
            }
            theta = next;
            gradient = nextGradient;
            value = nextValue;
        }
        return theta;
    }

    /** The two-loop recursion: minus the inverse Hessian estimate times the gradient. */
    private static double[] direction(double[] gradient, Deque<double[][]> memory) {
        double[] q = gradient.clone();
        List<double[][]> pairs = new ArrayList<>(memory);
        double[] alpha = new double[pairs.size()];
        for (int m = pairs.size() - 1; m >= 0; m--) {
            double[] s = pairs.get(m)[0];
            double[] y = pairs.get(m)[1];
            alpha[m] = dot(s, q) / dot(y, s);
            for (int i = 0; i < q.length; i++) {
                q[i] -= alpha[m] * y[i];
            }
        }
        if (!pairs.isEmpty()) {
            double[] s = pairs.get(pairs.size() - 1)[0];
            double[] y = pairs.get(pairs.size() - 1)[1];
            double gamma = dot(s, y) / dot(y, y);
            for (int i = 0; i < q.length; i++) {
                q[i] *= gamma;
            }
        }
        for (int m = 0; m < pairs.size(); m++) {
            double[] s = pairs.get(m)[0];
            double[] y = pairs.get(m)[1];
            double beta = dot(y, q) / dot(y, s);
            for (int i = 0; i < q.length; i++) {
                q[i] += s[i] * (alpha[m] - beta);
            }
        }
        return negated(q);
    }

    private static double[] negated(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = -v[i];
        }
        return r;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
