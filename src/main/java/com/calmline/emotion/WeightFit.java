package com.calmline.emotion;

import java.util.List;

/**
 * Logistic regression fitted by Newton's method with an L2 penalty (not on the bias): deterministic, so
 * the same labelled set always gives the same weights, and exact in a few iterations for the score's
 * couple of dozen features.
 */
final class WeightFit {
    /** Penalty per unit of squared weight; keeps categories with few examples near zero. */
    static final double L2 = 1.0;
    private static final int MAX_ITERATIONS = 100;

    record Example(double[] features, boolean angry) {
    }

    /** {@code coefficients} in feature order. */
    record Fit(double bias, double[] coefficients) {
    }

    private WeightFit() {
    }

    static Fit fit(List<Example> examples) {
        int k = examples.get(0).features().length + 1;
        double[] theta = new double[k];
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[] gradient = new double[k];
            double[][] hessian = new double[k][k];
            for (Example e : examples) {
                double[] x = withBias(e.features());
                double p = sigmoid(dot(theta, x));
                double residual = p - (e.angry() ? 1 : 0);
                double curvature = p * (1 - p);
                for (int i = 0; i < k; i++) {
                    gradient[i] += residual * x[i];
                    for (int j = 0; j < k; j++) {
                        hessian[i][j] += curvature * x[i] * x[j];
                    }
                }
            }
            for (int i = 1; i < k; i++) {
                gradient[i] += L2 * theta[i];
                hessian[i][i] += L2;
            }
            hessian[0][0] += 1e-9;
            double[] step = solve(hessian, gradient);
            double size = 0;
            for (int i = 0; i < k; i++) {
                theta[i] -= step[i];
                size = Math.max(size, Math.abs(step[i]));
            }
            if (size < 1e-10) {
                break;
            }
        }
        double[] coefficients = new double[k - 1];
        System.arraycopy(theta, 1, coefficients, 0, k - 1);
        return new Fit(theta[0], coefficients);
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private static double[] withBias(double[] features) {
        double[] x = new double[features.length + 1];
        x[0] = 1;
        System.arraycopy(features, 0, x, 1, features.length);
        return x;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Solves {@code a x = b} by Gaussian elimination with partial pivoting ({@code a} is positive definite). */
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            double[] swap = m[col];
            m[col] = m[pivot];
            m[pivot] = swap;
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] / m[col][col];
                for (int c = col; c <= n; c++) {
                    m[r][c] -= f * m[col][c];
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = m[r][n];
            for (int c = r + 1; c < n; c++) {
                s -= m[r][c] * x[c];
            }
            x[r] = s / m[r][r];
        }
        return x;
    }
}
