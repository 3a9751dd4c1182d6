namespace ArcFaceKit.Matching;

/// <summary>
/// Minimum-cost assignment of rows to columns (the Hungarian method with potentials, O(n² m)): the tracker pairs tracks
/// with detections by it, and the MOT metrics pair ground truth with hypotheses per frame and trajectories overall.
/// Ties go to the lower index, so the same costs always give the same pairs.
/// </summary>
internal static class LinearAssignment
{
    /// <summary>
    /// As many pairs as the allowed costs permit (infinite or NaN: not allowed), and among those the cheapest; the column
    /// of each row, or -1. This is scipy's linear_sum_assignment with forbidden pairs, as py-motmetrics uses it.
    /// </summary>
    public static int[] Minimise(double[,] cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        int rows = cost.GetLength(0), columns = cost.GetLength(1);
        double largest = 0;
        foreach (double c in cost)
        {
            if (double.IsFinite(c))
            {
                largest = Math.Max(largest, Math.Abs(c));
            }
        }

        // A forbidden pair costs more than any set of allowed ones, so the fewest forbidden pairs are made, then dropped.
        double forbidden = (largest + 1) * 2 * (Math.Max(rows, columns) + 1);
        var finite = new double[rows, columns];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                finite[i, j] = double.IsFinite(cost[i, j]) ? cost[i, j] : forbidden;
            }
        }

        var assigned = Solve(finite);
        for (int i = 0; i < rows; i++)
        {
            if (assigned[i] >= 0 && !double.IsFinite(cost[i, assigned[i]]))
            {
                assigned[i] = -1;
            }
        }

        return assigned;
    }

    /// <summary>
    /// Pairs that lower the total when leaving a row and a column unmatched costs <paramref name="maxCost"/>: a pair is made
    /// only below that cost, and a cheap pair is not given up for two dearer ones. This is lapjv with extend_cost and
    /// cost_limit, as ByteTrack's matching uses it; the column of each row, or -1.
    /// </summary>
    public static int[] MinimiseBelow(double[,] cost, double maxCost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        int rows = cost.GetLength(0), columns = cost.GetLength(1);

        // Square matrix: real rows then one spare row per column; real columns then one spare column per row. A row left
        // alone takes its own spare column, a column its own spare row, each at half the limit; spares pair freely at 0.
        int size = rows + columns;
        var extended = new double[size, size];
        for (int i = 0; i < size; i++)
        {
            for (int j = 0; j < size; j++)
            {
                extended[i, j] = (i < rows, j < columns) switch
                {
                    (true, true) => cost[i, j] < maxCost ? cost[i, j] : double.PositiveInfinity,
                    (true, false) => j - columns == i ? maxCost / 2 : double.PositiveInfinity,
                    (false, true) => i - rows == j ? maxCost / 2 : double.PositiveInfinity,
                    (false, false) => 0,
                };
            }
        }

        var assigned = Minimise(extended);
        return [.. assigned.Take(rows).Select(j => j < columns ? j : -1)];
    }

    /// <summary>The Hungarian method on finite costs; transposed when there are more rows than columns.</summary>
    private static int[] Solve(double[,] cost)
    {
        int rows = cost.GetLength(0), columns = cost.GetLength(1);
        if (rows > columns)
        {
            var transposed = new double[columns, rows];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    transposed[j, i] = cost[i, j];
                }
            }

            var rowOfColumn = Solve(transposed);
            var columnOfRow = Enumerable.Repeat(-1, rows).ToArray();
            for (int j = 0; j < columns; j++)
            {
                if (rowOfColumn[j] >= 0)
                {
                    columnOfRow[rowOfColumn[j]] = j;
                }
            }

            return columnOfRow;
        }

        // 1-based, with row and column 0 as the sentinel of the augmenting path search.
        var u = new double[rows + 1];
        var v = new double[columns + 1];
        var rowOf = new int[columns + 1];
        var way = new int[columns + 1];
        for (int i = 1; i <= rows; i++)
        {
            rowOf[0] = i;
            int column = 0;
            var slack = Enumerable.Repeat(double.PositiveInfinity, columns + 1).ToArray();
            var used = new bool[columns + 1];
            do
            {
                used[column] = true;
                int row = rowOf[column], next = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= columns; j++)
                {
                    if (used[j])
                    {
                        continue;
                    }

                    double reduced = cost[row - 1, j - 1] - u[row] - v[j];
                    if (reduced < slack[j])
                    {
                        slack[j] = reduced;
                        way[j] = column;
                    }

                    if (slack[j] < delta)
                    {
                        delta = slack[j];
                        next = j;
                    }
                }

                for (int j = 0; j <= columns; j++)
                {
                    if (used[j])
                    {
                        u[rowOf[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        slack[j] -= delta;
                    }
                }

                column = next;
            }
            while (rowOf[column] != 0);

            do
            {
                int previous = way[column];
                rowOf[column] = rowOf[previous];
                column = previous;
            }
            while (column != 0);
        }

        var result = Enumerable.Repeat(-1, rows).ToArray();
        for (int j = 1; j <= columns; j++)
        {
            if (rowOf[j] != 0)
            {
                result[rowOf[j] - 1] = j - 1;
            }
        }

        return result;
    }
}
