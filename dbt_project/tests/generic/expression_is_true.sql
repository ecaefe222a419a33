{#
    Fails for every row where `expression` is not true. A NULL result counts as true, so that
    optional columns can be checked with e.g. `value_high >= value`. Usable on a model or on a
    column (the column name is then ignored: the expression names what it checks).
#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce(({{ expression }}), true)

{% endtest %}
