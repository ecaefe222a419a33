{#
    Fails when the model has no row: a refresh whose facts all fell out of a mart must not
    publish an empty mart.
#}
{% test not_empty(model) %}

select 1 as no_rows
where not exists (select 1 from {{ model }})

{% endtest %}
