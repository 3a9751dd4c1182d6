using ArcFaceKit.Matching;

namespace ArcFaceKit.Tests;

/// <summary>The assignment solver against every permutation on small random matrices, and the two limits it is used with.</summary>
public class LinearAssignmentTests
{
    [Theory]
    [InlineData(3, 3)]
    [InlineData(2, 5)]
    [InlineData(5, 2)]
    [InlineData(4, 4)]
    public void Finds_the_cheapest_full_assignment_that_trying_every_one_finds(int rows, int columns)
    {
        var random = new Random(rows * 10 + columns);
        for (int trial = 0; trial < 50; trial++)
        {
            var cost = new double[rows, columns];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    cost[i, j] = Math.Round(random.NextDouble() * 10, 1);
                }
            }

            var assigned = LinearAssignment.Minimise(cost);
            Assert.Equal(Math.Min(rows, columns), assigned.Count(j => j >= 0));
            Assert.Equal(assigned.Where(j => j >= 0).Count(), assigned.Where(j => j >= 0).Distinct().Count());
            Assert.Equal(Cheapest(cost), Total(cost, assigned), 9);
        }
    }

    [Fact]
    public void Forbidden_pairs_are_never_made_and_as_many_allowed_ones_as_possible_are()
    {
        double no = double.NaN;
        // Row 0 could take column 0 cheaply, but then row 1 (only column 0 allowed) would go unmatched.
        var assigned = LinearAssignment.Minimise(new[,] { { 1, 5 }, { 2, no } });
        Assert.Equal([1, 0], assigned);
        Assert.Equal([-1, 0], LinearAssignment.Minimise(new[,] { { no, no }, { 3, double.PositiveInfinity } }));
    }

    [Fact]
    public void Below_a_limit_one_cheap_pair_beats_two_dear_ones()
    {
        // As lapjv with cost_limit 0.8: a-x (0.1) alone costs 0.1 + 0.8 for leaving b and y; a-y + b-x would cost 1.4.
        var cost = new[,] { { 0.1, 0.7 }, { 0.7, 0.9 } };
        Assert.Equal([0, -1], LinearAssignment.MinimiseBelow(cost, 0.8));
        Assert.Equal([1, 0], LinearAssignment.Minimise(new[,] { { 0.1, 0.7 }, { 0.7, double.NaN } }));
        Assert.Equal([-1, -1], LinearAssignment.MinimiseBelow(cost, 0.05));
        Assert.Empty(LinearAssignment.MinimiseBelow(new double[0, 3], 0.8));
    }

    private static double Total(double[,] cost, int[] assigned) =>
        assigned.Select((j, i) => j >= 0 ? cost[i, j] : 0).Sum();

    /// <summary>The least total over every way of pairing min(rows, columns) rows with distinct columns.</summary>
    private static double Cheapest(double[,] cost)
    {
        int rows = cost.GetLength(0), columns = cost.GetLength(1);
        bool transpose = rows > columns;
        int n = Math.Min(rows, columns), m = Math.Max(rows, columns);
        double best = double.PositiveInfinity;
        void Search(int i, bool[] used, double total)
        {
            if (i == n)
            {
                best = Math.Min(best, total);
                return;
            }

            for (int j = 0; j < m; j++)
            {
                if (!used[j])
                {
                    used[j] = true;
                    Search(i + 1, used, total + (transpose ? cost[j, i] : cost[i, j]));
                    used[j] = false;
                }
            }
        }

        Search(0, new bool[m], 0);
        return best;
    }
}
