from django.db import migrations

SOURCES = [
    (
        "domestic_budget",
        "Domestic public budget",
        "Budget public national",
        "Ngân sách nhà nước",
        "งบประมาณภาครัฐในประเทศ",
    ),
    ("donors", "Donors", "Bailleurs de fonds", "Nhà tài trợ", "แหล่งทุนจากผู้ให้ทุน"),
    ("private_sector", "Private sector", "Secteur privé", "Khu vực tư nhân", "ภาคเอกชน"),
    ("insurance", "Health insurance", "Assurance maladie", "Bảo hiểm y tế", "ประกันสุขภาพ"),
    (
        "out_of_pocket",
        "Out-of-pocket payments",
        "Paiements directs des ménages",
        "Người dân tự chi trả",
        "ประชาชนจ่ายเอง",
    ),
    ("other", "Other", "Autre", "Khác", "อื่น ๆ"),
]


def create_sources(apps, schema_editor):
    FinancingSource = apps.get_model("workshop_sessions", "FinancingSource")
    for order, (code, en, fr, vi, th) in enumerate(SOURCES, start=1):
        FinancingSource.objects.get_or_create(
            code=code,
            defaults={
                "name": en,
                "name_en": en,
                "name_fr": fr,
                "name_vi": vi,
                "name_th": th,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("workshop_sessions", "0003_question_kinds"),
    ]

    operations = [
        migrations.RunPython(create_sources, migrations.RunPython.noop),
    ]
