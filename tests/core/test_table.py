"""Tables from CSV files: headers or not, delimiters, quoting, labels, skipped rows, errors that name the place."""

import numpy as np
import pytest

from lossviz.core.errors import LossvizError
from lossviz.core.scene import parse_scene_text, scene_to_text
from lossviz.core.table import (
    ImportChoice,
    column_index,
    read_table,
    skipped_text,
    standardized,
    suggest_task,
    table_dataset,
    table_scene,
)


def write(tmp_path, text, name="t.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_header_is_detected_and_columns_are_found_by_name_or_index(tmp_path):
    table = read_table(write(tmp_path, "height,weight,kind\n1.5,60,a\n1.8,80,b\n"))
    assert table.header == ("height", "weight", "kind") and len(table.rows) == 2 and table.delimiter == ","
    assert table.row_numbers == [2, 3]  # the header is row 1
    assert column_index(table, "weight") == 1 and column_index(table, 1) == 1 and column_index(table, "2") == 2
    imported = table_dataset(table, ImportChoice(("height", 1), "kind"))
    assert imported.data.X.tolist() == [[1.5, 60.0], [1.8, 80.0]]
    assert imported.data.y.tolist() == [0, 1] and imported.class_names == ("a", "b") and imported.task == "binary"


def test_a_table_without_a_header_has_only_indices(tmp_path):
    table = read_table(write(tmp_path, "0.5,1.5,0\n1.5,2.5,1\n2.5,0.5,1\n"))
    assert table.header is None and len(table.rows) == 3 and table.row_numbers == [1, 2, 3]
    imported = table_dataset(table, ImportChoice((0, 1), 2, "binary"))
    assert imported.data.X.tolist() == [[0.5, 1.5], [1.5, 2.5], [2.5, 0.5]] and imported.class_names is None
    with pytest.raises(LossvizError, match=r"no column 'x'.*columns 0 … 2.*no header row"):
        column_index(table, "x")
    with pytest.raises(LossvizError, match=r"no column 3"):
        column_index(table, 3)


def test_string_labels_become_classes_in_order_of_first_appearance(tmp_path):
    table = read_table(write(tmp_path, "x,kind\n1,virginica\n2,setosa\n3,virginica\n4,versicolor\n5,setosa\n"))
    imported = table_dataset(table, ImportChoice(("x",), "kind"))
    assert imported.task == "multiclass" and imported.class_names == ("virginica", "setosa", "versicolor")
    assert imported.data.y.tolist() == [0, 1, 0, 2, 1]


def test_semicolons_tabs_and_quoted_fields_with_delimiters_inside(tmp_path):
    semicolons = read_table(write(tmp_path, 'a;b;name\n1;2;"x;y"\n3;4;"p, q"\n', "s.csv"))
    assert semicolons.delimiter == ";" and semicolons.header == ("a", "b", "name")
    assert table_dataset(semicolons, ImportChoice(("a", "b"), "name")).class_names == ("x;y", "p, q")
    tabs = read_table(write(tmp_path, "a\tb\tc\n1\t2\tred, dark\n3\t4\tblue\n", "t.tsv"))
    assert tabs.delimiter == "\t" and tabs.rows[0] == ["1", "2", "red, dark"]
    quoted = read_table(write(tmp_path, '"x","y","label"\n"1,5",2,"a,b"\n3,4,"c\nd"\n5,6,"a,b"\n', "q.csv"))
    assert quoted.delimiter == "," and quoted.header == ("x", "y", "label")
    imported = table_dataset(quoted, ImportChoice(("x", "y"), "label"))
    assert imported.class_names == ("c\nd", "a,b") and imported.skipped == (2,)  # "1,5" is not a number


def test_missing_and_non_numeric_features_and_missing_labels_are_skipped_and_counted(tmp_path):
    text = "x1,x2,y\n1,2,a\n,3,b\n4,NA,a\n5,1_000,b\n6,nan,a\n7,inf,b\n8,9,\n10,11,b\n12,oops,a\n"
    imported = table_dataset(read_table(write(tmp_path, text)), ImportChoice(("x1", "x2"), "y"))
    assert imported.data.X.tolist() == [[1.0, 2.0], [10.0, 11.0]]
    assert imported.skipped == (3, 4, 5, 6, 7, 8, 10)
    assert skipped_text(imported) == "2 rows imported, 7 skipped (rows 3, 4, 5, 6, 7, 8, 10)"


def test_numbers_are_kept_exactly_and_standardised_with_ddof_0(tmp_path):
    table = read_table(write(tmp_path, "x,c,y\n0.1,5,1e-3\n0.30000000000000004,5,2.5\n-7.25e2,5,3\n"))
    imported = table_dataset(table, ImportChoice(("x",), "y", "regression"))
    assert imported.data.X[:, 0].tolist() == [0.1, 0.30000000000000004, -725.0]
    assert imported.data.y.tolist() == [1e-3, 2.5, 3.0]
    X = np.array([[1.0, 5.0], [3.0, 5.0]])
    assert standardized(X).tolist() == [[-1.0, 0.0], [1.0, 0.0]]  # std 0: only centred
    scaled = table_dataset(table, ImportChoice(("x",), "y", "regression", standardize=True)).data.X[:, 0]
    assert np.isclose(scaled.mean(), 0.0) and np.isclose(scaled.std(ddof=0), 1.0)


def test_tasks_are_suggested_by_the_labels():
    assert suggest_task(["1.5", "2.25", "3", "4"]) == "regression"
    assert suggest_task(["0", "1", "1", "0", "NA"]) == "binary"
    assert suggest_task(["0", "1", "2"] * 5) == "multiclass"
    assert suggest_task(["1", "3", "5"]) == "regression"  # numbers that do not repeat are targets
    assert suggest_task(["yes", "no", "yes"]) == "binary"
    assert suggest_task(["a", "b", "c"]) == "multiclass"


def test_numeric_labels_that_are_not_0_to_c_minus_1_are_named_by_their_value(tmp_path):
    table = read_table(write(tmp_path, "x,y\n1,-1\n2,1\n3,-1\n4,1\n"))
    imported = table_dataset(table, ImportChoice(("x",), "y"))
    assert imported.task == "binary" and imported.class_names == ("-1", "1") and imported.data.y.tolist() == [0, 1, 0, 1]
    direct = table_dataset(read_table(write(tmp_path, "x,y\n1,0\n2,2\n3,1\n4,2\n5,0\n6,1\n", "d.csv")), ImportChoice(("x",), "y"))
    assert direct.task == "multiclass" and direct.class_names is None and direct.data.y.tolist() == [0, 2, 1, 2, 0, 1]


def test_errors_name_the_column_and_the_row(tmp_path):
    no_rows = read_table(write(tmp_path, "x,y\nfoo,0\nbar,1\n", "n.csv"))
    with pytest.raises(LossvizError, match=r"n\.csv: no usable rows \(row 2: 'x' is 'foo', not a number\)"):
        table_dataset(no_rows, ImportChoice(("x",), "y"))
    many = "x,y\n" + "".join(f"{i},c{i}\n" for i in range(12))
    with pytest.raises(LossvizError, match=r"column 'y': 12 classes \(row 12 brings class 11, 'c10'\)"):
        table_dataset(read_table(write(tmp_path, many, "m.csv")), ImportChoice(("x",), "y"))
    table = read_table(write(tmp_path, "a,b,c,d\n1,2,3,x\n4,5,6,y\n", "w.csv"))
    with pytest.raises(LossvizError, match=r"no column 'e' \(the columns are 'a', 'b', 'c', 'd', or 0 … 3\)"):
        table_dataset(table, ImportChoice(("a", "e"), "d"))
    with pytest.raises(LossvizError, match="choose 1 to 50 feature columns"):
        table_dataset(table, ImportChoice(("a",) * 51, "d"))
    with pytest.raises(LossvizError, match="'a' is both a feature and the label"):
        table_dataset(table, ImportChoice(("a",), "a"))
    floats = read_table(write(tmp_path, "x,y\n1,0.5\n2,1.5\n", "f.csv"))
    with pytest.raises(LossvizError, match=r"column 'y': row 2: label '0.5' is not a class"):
        table_dataset(floats, ImportChoice(("x",), "y", "binary"))
    with pytest.raises(LossvizError, match=r"column 'd': only one class \('x'\)"):
        table_dataset(read_table(write(tmp_path, "a,d\n1,x\n2,x\n", "o.csv")), ImportChoice(("a",), "d", "binary"))


def test_files_that_are_not_tables_are_refused(tmp_path):
    with pytest.raises(LossvizError, match="the file is empty"):
        read_table(write(tmp_path, "\n\n", "e.csv"))
    with pytest.raises(LossvizError, match="is a folder"):
        read_table(tmp_path)
    with pytest.raises(LossvizError, match="cannot read"):
        read_table(tmp_path / "missing.csv")
    (tmp_path / "b.csv").write_bytes(b"\xff\xfe\x00x")
    with pytest.raises(LossvizError, match="not UTF-8"):
        read_table(tmp_path / "b.csv")


def test_the_scene_of_a_table_round_trips_with_its_class_names(tmp_path):
    table = read_table(write(tmp_path, "x1,x2,kind\n1,2,b\n3,4,a\n5,6,c\n", "k.csv"))
    scene, imported = table_scene(table, ImportChoice(("x1", "x2"), "kind"))
    assert (scene.task, scene.dims, scene.classes, scene.loss) == ("multiclass", 2, 3, "ce")
    assert scene.class_names == ("b", "a", "c") and scene.title == "Imported from k.csv" and scene.extra == {}
    assert scene.init.shape == (3, 3) and not scene.init.any() and imported.skipped == ()
    again = parse_scene_text(scene_to_text(scene))
    assert again == scene and again.class_names == ("b", "a", "c") and "class_names" not in again.extra


def test_scale_reason_names_features_that_want_standardising():
    from lossviz.core.table import scale_reason

    assert scale_reason(np.array([[0.5, 1.0], [1.5, -2.0], [0.1, 0.3]])) is None
    assert scale_reason(np.array([[1.0, 100.0], [2.0, 300.0], [3.0, 200.0]])).startswith("the features' spreads differ")
    assert scale_reason(np.array([[120.0], [340.0]])) == "feature values reach 340"
    assert scale_reason(np.empty((0, 2))) is None
