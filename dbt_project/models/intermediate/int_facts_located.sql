-- Every published fact (int_facts_published) placed by the code the parser chose for its region
-- (raw.facts.region_code, ingestion/parse/codes.py): the region's level, province and prefecture
-- from the gazetteer. A fact about a place below the gazetteer (a township, a zone) carries the
-- code of the reporting region it lies in: its level is 'sub_unit' and its province and prefecture
-- are that region's. A fact without a code (a repeated name its document does not settle, or no
-- region at all) has them NULL.

with

facts as (

    select * from {{ ref('int_facts_published') }}

),

regions as (

    select * from {{ ref('int_regions_located') }}

),

final as (

    select
        facts.*,
        case
            when regions.region_code is null then null
            when regions.region = facts.region then regions.region_level
            else 'sub_unit'
        end as region_level,
        regions.province,
        regions.prefecture

    from facts
    left join regions
        on facts.region_code = regions.region_code

)

select * from final
